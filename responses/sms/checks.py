"""`manage.py check` (and every start) says when SMS_TEMPLATE_CODES names a kind that does
not exist, or, with the aliyun backend, leaves a kind without its template."""

from django.conf import settings
from django.core import checks

from responses.sms.kinds import SmsKind


@checks.register(checks.Tags.compatibility)
def template_codes(app_configs=None, **kwargs):
    errors = []
    unknown = sorted(set(settings.SMS_TEMPLATE_CODES) - set(SmsKind.values))
    if unknown:
        errors.append(
            checks.Error(
                f"SMS_TEMPLATE_CODES names unknown kinds: {', '.join(unknown)} "
                f"(known: {', '.join(SmsKind.values)})",
                id="responses.E101",
            )
        )
    missing = [kind for kind in SmsKind.values if kind not in settings.SMS_TEMPLATE_CODES]
    if settings.SMS_BACKEND == "aliyun" and missing:
        errors.append(
            checks.Error(
                f"SMS_TEMPLATE_CODES has no template code for: {', '.join(missing)}",
                hint="Each kind needs the code of its approved Aliyun template (SMS_…).",
                id="responses.E102",
            )
        )
    return errors
