"""JupyterHub for `make class`: a trial class on 127.0.0.1, every hub user run as the one Unix user.

autograder/trial_class.py writes the settings (BBH_CLASS names their file) and starts the hub with
this file. Not for teaching a real class: there, each student needs a Unix user (TLJH) or a
container (Z2JH) of their own; see the README, "Deploying for a class".
"""
import getpass
import json
import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import default

settings = json.loads(Path(os.environ["BBH_CLASS"]).read_text())
folder = Path(settings["folder"])
c = get_config()  # noqa: F821  (JupyterHub provides get_config)


class TrialSpawner(SimpleLocalProcessSpawner):
    """A single-user server as this Unix user: students at their home, the instructor at the course."""

    @default("home_dir")
    def _default_home_dir(self):
        return str(folder / "homes" / self.user.name)

    @property
    def instructor(self):
        return self.user.name == settings["instructor"]

    def make_preexec_fn(self, name):
        start_in, home = self.notebook_dir, self.home_dir

        def preexec():
            os.makedirs(home, exist_ok=True)
            os.chdir(start_in)  # the course root for the instructor: nbgrader reads its nbgrader_config.py there

        return preexec

    def user_env(self, env):
        # HOME is the hub user's, USER stays the Unix user's: nbgrader would name every submission after it
        # but for the students' config (deploy/student/nbgrader_config.py), which takes JUPYTERHUB_USER.
        env.update(HOME=self.home_dir, USER=getpass.getuser(), SHELL="/bin/bash")
        return env

    def get_env(self):
        env = super().get_env()
        side = "instructor" if self.instructor else "student"
        home = Path(self.home_dir)
        # one config folder for each side, the JupyterLab settings and data of each user in their home
        env.update(BBH_EXCHANGE=str(folder / "exchange"), JUPYTER_CONFIG_DIR=str(folder / "config" / side),
                   JUPYTERLAB_SETTINGS_DIR=str(home / ".jupyter" / "lab" / "user-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / ".jupyter" / "lab" / "workspaces"),
                   JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"),
                   PATH=os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", os.defpath)]))
        return env

    @default("notebook_dir")
    def _default_notebook_dir(self):
        return str(folder / "course") if self.instructor else self.home_dir

    async def start(self):
        # JupyterLab would ask each user whether to fetch Jupyter's news, which this machine cannot reach
        settings_file = Path(self.home_dir, ".jupyter", "lab", "user-settings", "@jupyterlab", "apputils-extension",
                             "notification.jupyterlab-settings")
        if not settings_file.exists():
            settings_file.parent.mkdir(parents=True, exist_ok=True)
            settings_file.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        url = await super().start()
        # `make class` stops the servers by these when it stops: they outlive a restart of the hub
        (folder / "hub" / "servers").mkdir(exist_ok=True)
        (folder / "hub" / "servers" / f"{self.user.name}.pid").write_text(str(self.pid))
        return url


c.JupyterHub.spawner_class = TrialSpawner
c.Spawner.cmd = [os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")]
c.Spawner.args = ["--ServerApp.kernel_websocket_connection_class=course.lab.PromptKernelConnection",
                  "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
if os.geteuid() == 0:  # containers run as root; Jupyter refuses that unless told
    c.Spawner.args.append("--allow-root")
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.auth_token = settings["proxy_token"]
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{folder / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(folder / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(folder / "hub" / "jupyterhub.pid")
# A restart of the hub mid-class leaves the students' servers, kernels and unsaved work running.
c.JupyterHub.cleanup_servers = False

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = settings["password"]
c.Authenticator.allowed_users = {settings["instructor"], *settings["students"]}
c.Authenticator.admin_users = {settings["instructor"]}
# `make class` and its test act through the hub's REST API with this service's token.
c.JupyterHub.services = [{"name": "class", "api_token": settings["token"]}]
c.JupyterHub.load_roles = [{"name": "class", "services": ["class"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}]
