"""Every write of the survey, keyword-only and atomic: responses and their decisions
(`responses`), a step of the answer page (`step_save`), the promotion into the registry
(`promotion`, `promotion_inputs`), invitations, reminders and the demo data. Pages, API,
admin and commands call these; nothing else saves a survey row."""
