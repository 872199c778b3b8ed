from tests.benachrichtigungen.smtp import celery_wiederholt, smtp, smtp_aus  # noqa: F401
