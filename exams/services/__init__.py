"""Every state change of the exams app. Views, admin, tasks and commands call these."""
