"""python -m autograder.deploy: the files a real class needs, on The Littlest JupyterHub or on Kubernetes.

  tljh   setup.sh and what it installs: the students' config in the user environment's config folder,
         the instructor's in their ~/.jupyter, the exchange, the course cloned for the instructor
  z2jh   config.yaml for Zero to JupyterHub's Helm chart (the students' and instructors' config as
         extraFiles, the exchange volume, the instructors' hook), the image's Dockerfile, volumes.yaml

Both take their files from deploy/: student/ (what every server reads), instructor/ (what instructors
read first), tljh/ and z2jh/ (templates: string.Template, filled in from the options here).
"""
import argparse
import json
import re
import shlex
import shutil
import tomllib
from pathlib import Path
from string import Template

from .notebooks import REPO

DEPLOY = REPO / "deploy"
STUDENT, INSTRUCTOR = DEPLOY / "student", DEPLOY / "instructor"
# Each side's files, by their path inside a Jupyter config folder.
CONFIG_FILES = ("nbgrader_config.py", "jupyter_server_config.json", "labconfig/page_config.json")
EXCHANGE = "/srv/nbgrader/exchange"
TLJH_ENV_CONFIG = "opt/tljh/user/etc/jupyter"
# In the environment's config folder beside nbgrader's own jupyter_server_config.d/nbgrader.json, which
# enables every nbgrader extension: the files there are read in name order, the last one read wins.
TLJH_STUDENT_SERVER = "jupyter_server_config.d/zz-backprop-by-hand-student.json"
TLJH_HUB_CONFIG = "opt/tljh/config/jupyterhub_config.d/backprop-by-hand.py"
COURSE_DIR = "backprop-by-hand"  # the instructor's clone, in their home
Z2JH_HOME = "/home/jovyan"


def requirements(repo=REPO):
    """The course's pinned packages, from pyproject.toml, but jupyterhub: a hub's user environment keeps its own."""
    deps = tomllib.loads((Path(repo) / "pyproject.toml").read_text())["project"]["dependencies"]
    return [d for d in deps if not re.match(r"jupyterhub\b", d)]


def tljh_user(name):
    """TLJH's Unix user for the hub user name, refused where TLJH would shorten or change it."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) or len("jupyter-" + name) > 26:
        raise SystemExit(f"{name!r}: TLJH would rename this user (lower case letters, digits, - and _; "
                         "at most 18 characters)")
    return "jupyter-" + name


def plain(value, what):
    """value, refused if it could not stand as it is in a Python string, a YAML scalar and a shell word."""
    if not re.fullmatch(r"[\w@%+=:,./~-]+", value):
        raise SystemExit(f"{what} {value!r}: letters, digits and @%+=:,./~_- only")
    return value


def fill(path, **values):
    """The template at path with values put in; a placeholder without a value is an error."""
    return Template(Path(path).read_text()).substitute(values)


def indented(text, spaces):
    """text as a YAML block's lines, each indented by spaces."""
    return "\n".join(" " * spaces + line if line else "" for line in text.rstrip("\n").split("\n"))


def side_files(folder, course_root=None):
    """One side's config files (path in a config folder -> text), the instructor's with its course root in."""
    files = {name: (Path(folder) / name).read_text() for name in CONFIG_FILES}
    if course_root:
        files["nbgrader_config.py"] = Template(files["nbgrader_config.py"]).substitute(course_root=course_root)
    return files


def write(out, files):
    """Write files (path under out -> text) and return out."""
    out = Path(out)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    return out


def tljh(out, instructors, course_repo, exchange=EXCHANGE):
    """The Littlest JupyterHub's files, in out: setup.sh with settings.sh, and the trees it copies to /."""
    if len(instructors) != 1:
        raise SystemExit("TLJH: one instructor holds the course (its gradebook is one file in their home); "
                         f"got {len(instructors)}")
    (instructor,) = instructors
    user = tljh_user(instructor)
    student = side_files(STUDENT)
    files = {f"{TLJH_ENV_CONFIG}/{TLJH_STUDENT_SERVER if name == 'jupyter_server_config.json' else name}": text
             for name, text in student.items()}
    files |= {f"home/{user}/.jupyter/{name}": text
              for name, text in side_files(INSTRUCTOR, f"/home/{user}/{COURSE_DIR}").items()}
    files[TLJH_HUB_CONFIG] = fill(DEPLOY / "tljh" / "jupyterhub_config.py", exchange=exchange)
    settings = {"BBH_INSTRUCTOR": shlex.quote(instructor), "BBH_COURSE_REPO": shlex.quote(course_repo),
                "BBH_EXCHANGE": shlex.quote(exchange),
                "BBH_REQUIREMENTS": "(" + " ".join(shlex.quote(r) for r in requirements()) + ")"}
    files["settings.sh"] = "# Written by python -m autograder.deploy tljh; setup.sh reads it.\n" + \
        "".join(f"{key}={value}\n" for key, value in settings.items())
    files["setup.sh"] = (DEPLOY / "tljh" / "setup.sh").read_text()
    write(out, files)
    (Path(out) / "setup.sh").chmod(0o755)
    return Path(out)


def z2jh(out, instructors, course_repo, image, exchange=EXCHANGE):
    """Zero to JupyterHub's files, in out: config.yaml, Dockerfile and volumes.yaml."""
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        raise SystemExit(f"--image {image!r}: give name:tag")
    student, instructor = side_files(STUDENT), side_files(INSTRUCTOR, f"{Z2JH_HOME}/{COURSE_DIR}")
    hook = fill(DEPLOY / "z2jh" / "instructors.py", instructors=" ".join(instructors), course_repo=course_repo,
                image=image)
    values = {"image": image, "image_name": name, "image_tag": tag, "exchange": exchange,
              "hub_extra_config": indented(hook, 6)}
    for side, files in (("student", student), ("instructor", instructor)):
        values[f"{side}_nbgrader_config"] = indented(files["nbgrader_config.py"], 8)
        values[f"{side}_server_config"] = json.dumps(json.loads(files["jupyter_server_config.json"]))
        values[f"{side}_page_config"] = json.dumps(json.loads(files["labconfig/page_config.json"]))
    requirement_args = " ".join(shlex.quote(r) for r in requirements())
    write(out, {"config.yaml": fill(DEPLOY / "z2jh" / "config.yaml", **values),
                "Dockerfile": fill(DEPLOY / "z2jh" / "Dockerfile", image=image, requirements=requirement_args)})
    shutil.copy(DEPLOY / "z2jh" / "volumes.yaml", Path(out) / "volumes.yaml")
    return Path(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["tljh", "z2jh"])
    parser.add_argument("--instructor", action="append", required=True,
                        help="the instructor's hub user name (repeatable on z2jh)")
    parser.add_argument("--course-repo", required=True, help="the course repository the instructor's clone comes from")
    parser.add_argument("--exchange", default=EXCHANGE, help=f"nbgrader's exchange (default {EXCHANGE})")
    parser.add_argument("--image", help="z2jh: the single-user image to build, name:tag")
    parser.add_argument("--out", help="the folder to write (default build/deploy/TARGET)")
    args = parser.parse_args(argv)
    out = Path(args.out or REPO / "build" / "deploy" / args.target)
    for value, what in [*((i, "--instructor") for i in args.instructor), (args.course_repo, "--course-repo"),
                        (args.exchange, "--exchange"), (args.image or "", "--image")]:
        if value or what != "--image":
            plain(value, what)
    if not args.exchange.startswith("/"):
        parser.error("--exchange must be an absolute path")
    if args.target == "tljh":
        tljh(out, args.instructor, args.course_repo, args.exchange)
    else:
        if not args.image:
            parser.error("z2jh needs --image name:tag")
        z2jh(out, args.instructor, args.course_repo, args.image, args.exchange)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
