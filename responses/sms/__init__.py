"""SMS to members and officers: an outbox of messages sent by a Celery task.

- kinds.py: what a message says, as codes (the kind, its provider template, parameters);
- backends.py, aliyun.py: where it goes (SMS_BACKEND: console, file, locmem, aliyun);
- service.py: queue a message once per event, send it (claimed by a conditional
  UPDATE), retry transient failures with bounded back-off, mark it failed after
  SMS_MAX_ATTEMPTS, send it again at staff's request; the beat re-queues what is due;
- the row: responses.models.SmsMessage; staff see it in the admin (staff/admin_sms.py).

Callers use ``responses.sms.service.queue_sms``."""
