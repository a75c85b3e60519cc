#!/bin/bash
# Set up a class of Backprop by Hand on The Littlest JupyterHub. Run as root on the hub's machine, from
# the folder `python -m autograder.deploy tljh` wrote (settings.sh holds what it was given):
#
#   sudo bash setup.sh
#
# Students get the Assignments tab and Validate; the instructor also the formgrader, Create Assignment
# and the course list, and the course, cloned into their home. Run again after a change: it keeps the
# clone, the exchange and the users, and puts every file back.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/settings.sh"

env_prefix=/opt/tljh/user
python=$env_prefix/bin/python
[ -x "$python" ] || { echo "no TLJH user environment at $env_prefix: install TLJH first" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "the course needs Python 3.11 or newer in $env_prefix" >&2; exit 1; }

# bubblewrap: the sandbox the instructor's grading runs students' code in
apt-get update -q
apt-get install -y -q --no-install-recommends bubblewrap git

# The course's packages in the environment every server runs in; the hub's own jupyterhub stays.
"$env_prefix/bin/pip" install --no-cache-dir "${BBH_REQUIREMENTS[@]}"

# The exchange: everyone may add to it, nobody may remove what others put there (nbgrader's rule).
install -d -m 1777 "$BBH_EXCHANGE"

# The students' config, in the environment's config folder (sys-prefix): read by every server, and
# below each user's own ~/.jupyter, where the instructor's overrides it.
cp -r "$here/opt/tljh/user/etc/jupyter/." "$env_prefix/etc/jupyter/"
chmod -R a+rX "$env_prefix/etc/jupyter"
install -D -m 644 "$here/opt/tljh/config/jupyterhub_config.d/backprop-by-hand.py" \
  /opt/tljh/config/jupyterhub_config.d/backprop-by-hand.py

# The instructor: TLJH's Unix user jupyter-<name> (made now as TLJH makes it at first login: a home
# only they can read), the course cloned there, their Jupyter config, and admin rights on the hub.
user=jupyter-$BBH_INSTRUCTOR
id -u "$user" >/dev/null 2>&1 || useradd --create-home "$user"
home=$(getent passwd "$user" | cut -d: -f6)
[ "$home" = "/home/$user" ] || { echo "$user's home is $home, the config expects /home/$user" >&2; exit 1; }
chmod o-rwx "$home"
[ -e "$home/backprop-by-hand/nbgrader_config.py" ] \
  || runuser -u "$user" -- git clone "$BBH_COURSE_REPO" "$home/backprop-by-hand"
cp -r "$here/home/$user/.jupyter" "$home/"
chown -R "$user:" "$home/.jupyter"

# The one package the notebooks import, from the instructor's clone: autograder/ (the reference
# solutions) and source/ (the hidden tests) stay in the instructor's home.
purelib=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -rf "$purelib/course"
cp -r "$home/backprop-by-hand/course" "$purelib/course"
find "$purelib/course" -name __pycache__ -prune -exec rm -rf {} +
chmod -R a+rX "$purelib/course"

tljh-config set user_environment.default_app jupyterlab
tljh-config remove-item users.admin "$BBH_INSTRUCTOR" >/dev/null 2>&1 || true  # no second entry on a rerun
tljh-config add-item users.admin "$BBH_INSTRUCTOR"
tljh-config reload
echo "done: $BBH_INSTRUCTOR now logs in, opens a terminal and runs, in ~/backprop-by-hand:"
echo "  python -m autograder release && nbgrader release_assignment 01_perceptron_xor"
