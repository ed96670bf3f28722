"""Course operations for tutors: building sources, and (over nbgrader's API) running the course."""
