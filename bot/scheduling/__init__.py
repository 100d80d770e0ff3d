"""Work done outside a Slack request: the scheduler, its jobs, and the outbox delivery.

scheduler.py  the APScheduler that triggers the jobs and the outbox retry (it only triggers)
jobs.py       the business-time jobs (the daily review sweep); `due_jobs()` is their one list
notify.py     delivers the outbox to Slack: cards, threads, DMs; looks before posting again
pacing.py     posts paced the way Slack asks
retries.py    which Web API calls the client may repeat on its own
"""
