"""nbgrader's exchange, with each learner's submission closed to other learners.

nbgrader's own submit leaves a submission folder in ``inbound/`` open to everyone (folder 0777,
files 0644) and relies on ``inbound/`` not being listable and a random part in the folder's
name. On a shared JupyterHub server that means any learner who learns a folder's name can read
another learner's answers and ``submission_secret.txt`` (which names their feedback), and can
write into the folder. :class:`PrivateSubmit` submits exactly as nbgrader does, then closes
the folder to everyone but its owner and its group. nbgrader makes ``inbound/`` set-group-id,
so that group is the releasing tutor's group, and the tutor can still collect.

Switched on for a hub by ``c.ExchangeFactory.submit`` in deploy/jupyterhub/jupyter/
nbgrader_config.py. Everything else (release, fetch, collect, feedback) is nbgrader's own.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbgrader.exchange.default.submit import ExchangeSubmit

FOLDER_MODE = 0o770
"""Owner and the folder's group (the tutor's: it comes from set-group-id ``inbound/``) only.

The files inside keep nbgrader's modes: some are made after nbgrader's copy has reset the
folder's mode (clearing set-group-id), so they carry the learner's group and must stay readable
to the tutor as "other". Closing the folder is what keeps other learners out of them.
"""


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, leaving the submission readable only by its learner and the tutor."""

    def copy_files(self) -> None:
        super().copy_files()
        os.chmod(Path(self.inbound_path) / self.assignment_filename, FOLDER_MODE)
