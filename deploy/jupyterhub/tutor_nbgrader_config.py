"""A tutor's ~/nbgrader_config.py on the hub: formgrader finds the course in the home folder.

Copy this file to the tutor's home folder (deploy/README.md, step 5). Formgrader reads the
nbgrader_config.py in the folder the tutor's server starts in (the home folder); this one loads
the course's own settings, which set the course folder, units, timeout and the exchange.
"""

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

load_subconfig("challenging-customers/nbgrader_config.py")  # noqa: F821 - provided by traitlets
