"""Every explorer of the course, for the notebooks to import from one place; each runs the student's own functions."""
from .cnn_widgets import saliency_explorer
from .conv_widgets import flip_explorer, input_pixel_explorer
from .gradcheck_widgets import gradient_check_explorer
from .perceptron_widgets import perceptron_explorer
from .pooling_widgets import pooling_explorer
from .sigmoid_widgets import neuron_explorer, sigmoid_explorer

__all__ = ["perceptron_explorer", "gradient_check_explorer", "sigmoid_explorer", "neuron_explorer",
           "pooling_explorer", "flip_explorer", "input_pixel_explorer", "saliency_explorer"]
