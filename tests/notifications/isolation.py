# Notification pages take no object id; the unsubscribe link's token is its own credential.
SAMPLES = {}
CAPABILITY_URLS = {"notification_unsubscribe": "tests/notifications/test_delivery.py"}
