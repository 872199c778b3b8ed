from tests.benachrichtigungen.smtp import celery_wiederholt, smtp, smtp_aus  # noqa: F401
from tests.core.test_celery_worker import echter_broker  # noqa: F401
