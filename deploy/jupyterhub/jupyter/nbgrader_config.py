"""Global nbgrader settings for every account on the hub (tutors and learners).

The hub puts this folder on each server's JUPYTER_CONFIG_PATH (deploy/jupyterhub/
jupyterhub_config.py); copying this file to /etc/jupyter/nbgrader_config.py works too.
Learners' Assignment List reads the course id and exchange from here. A tutor running nbgrader
in the course folder also loads the course's own nbgrader_config.py, which reads the same
WORKBOOK_EXCHANGE.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "challenging-customers"
c.Exchange.root = os.environ.get("WORKBOOK_EXCHANGE", "/srv/nbgrader/exchange")
# nbgrader leaves a submission in inbound/ readable (and writable) by any account that learns its
# folder's name; this submit closes it to everyone but the learner and the tutor's group.
c.ExchangeFactory.submit = "workbook.exchange.PrivateSubmit"
