"""The Littlest JupyterHub: every user's server gets the course's exchange (BBH_EXCHANGE).

python -m autograder.deploy tljh writes it as /opt/tljh/config/jupyterhub_config.d/backprop-by-hand.py,
which TLJH loads after its own config; both the students' and the instructor's nbgrader config take the
exchange from BBH_EXCHANGE.
"""
c = get_config()  # noqa: F821  (JupyterHub provides get_config)

c.Spawner.environment.update({"BBH_EXCHANGE": "$exchange"})
