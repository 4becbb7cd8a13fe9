"""Alibaba Cloud SMS (Dysmsapi 2017-05-25 SendSms) through Alibaba's official SDK.

The SDK signs the request (ACS3-HMAC-SHA256) and sends it to SMS_ALIYUN_ENDPOINT (a
host, or an http(s):// address: tests point it at a local server that speaks the same
protocol). The SDK's own retries are off: a failed send comes back to our outbox, which
retries with back-off (responses/sms/service.py).

SendSms answers HTTP 200 with ``Code`` "OK" and a ``BizId``, or with another code: flow
control and the provider's own faults are worth another try later, the rest (a refused
number, an unapproved template or sign name) are not."""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ServerException,
    ThrottlingException,
)
from darabonba.runtime import RuntimeOptions
from django.conf import settings

from responses.sms.base import (
    BaseBackend,
    Outgoing,
    SmsPermanentError,
    SmsTransientError,
)

# Codes that say "not now" rather than "never" (flow control, day limits, an account in
# arrears that staff can top up, the provider's own faults).
TRANSIENT_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "isv.OUT_OF_SERVICE",
    "isv.AMOUNT_NOT_ENOUGH",
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
    "ServiceUnavailable",
    "SignatureNonceUsed",
}


def is_transient(code: str) -> bool:
    return code in TRANSIENT_CODES or code.startswith("isp.")


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """("https", "dysmsapi.aliyuncs.com") from a host or an http(s):// address."""
    if "://" not in endpoint:
        return "https", endpoint.strip("/")
    parts = urlsplit(endpoint)
    return parts.scheme, parts.netloc


@lru_cache(maxsize=4)
def _client(endpoint: str, key_id: str, secret: str, timeout_ms: int) -> Client:
    protocol, host = split_endpoint(endpoint)
    config = openapi_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        endpoint=host,
        protocol=protocol,
        connect_timeout=min(timeout_ms, 5000),
        read_timeout=timeout_ms,
    )
    return Client(config)


class AliyunBackend(BaseBackend):
    def __init__(self):
        self.client = _client(
            settings.SMS_ALIYUN_ENDPOINT,
            settings.SMS_ALIYUN_ACCESS_KEY_ID or "",
            settings.SMS_ALIYUN_ACCESS_KEY_SECRET or "",
            settings.SMS_TIMEOUT_SECONDS * 1000,
        )

    def send(self, message: Outgoing) -> str:
        request = sms_models.SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=message.sign_name,
            template_code=message.template_code,
            template_param=json.dumps(message.params, ensure_ascii=False),
            out_id=message.out_id or None,
        )
        runtime = RuntimeOptions(autoretry=False)
        try:
            response = self.client.send_sms_with_options(request, runtime)
        except (ThrottlingException, ServerException) as error:
            raise SmsTransientError(str(error.message), str(error.code)) from error
        except AlibabaCloudException as error:  # 4xx: the keys or the request are wrong
            code = str(error.code)
            raised = SmsTransientError if is_transient(code) else SmsPermanentError
            raise raised(str(error.message), code) from error
        except Exception as error:  # the network, a timeout, an unreadable answer
            raise SmsTransientError(f"{type(error).__name__}: {error}", "network") from error
        body = response.body
        code = (body.code if body else None) or ""
        if code == "OK" and body.biz_id:
            return body.biz_id
        text = (body.message if body else None) or "no answer"
        raised = SmsTransientError if is_transient(code) else SmsPermanentError
        raise raised(text, code or "empty")
