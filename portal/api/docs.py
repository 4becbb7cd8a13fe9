"""The API reference for people: each endpoint with its parameters, a curl command and an
example answer, in the reader's language (Chinese first). The parameters come from the
OpenAPI schema the machines read (/api/v1/schema/), so the two cannot drift apart; what
each one means is said here, in translatable words.
"""

import functools
import json
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

from accounts.ratelimit import limit_for
from portal.api import examples
from portal.filters import PublicProposalFilter

PAGING = {
    "page": _("页码，从 1 开始。"),
    "page_size": _("每页条数，默认 20，最多 100。"),
    "id": _("提案的 id（列表结果中的 id 字段，不是提案号）。"),
}
LANGUAGE_PARAMETER = {
    "name": "lang",
    "location": "query",
    "type": "string",
    "values": "zh-hans, en",
    "required": False,
    "description": _(
        "回答（含错误信息）的语言：zh-hans（默认）或 en；也可用 Accept-Language 请求头。"
    ),
}
STATUSES = {
    "200": _("成功。"),
    "400": _("参数无效：按参数名列出原因。"),
    "404": _("没有这个提案，或页码超出范围。"),
    "429": _("请求过于频繁：按 Retry-After 头所示的秒数后再试。"),
}


@dataclass
class Endpoint:
    url_name: str
    title: str
    description: str
    example: object
    args: tuple = ()
    query: dict = field(default_factory=dict)


ENDPOINTS = [
    Endpoint(
        "api:index",
        _("接口目录"),
        _("列出各个接口的地址、机器可读的 OpenAPI 说明和本页。"),
        examples.INDEX,
    ),
    Endpoint(
        "api:proposal-list",
        _("公开提案列表"),
        _(
            "已公开的提案，每页 20 条。筛选条件与“公开提案”页相同；q 为全文检索，"
            "也可输入提案号（如 118、第 118 号）或提案人、承办单位的名称，"
            "提案号相符的排在最前，其次是名称相符的，再按正文相关度。"
        ),
        examples.PROPOSAL_LIST,
        query={"q": "人工智能", "page_size": "1"},
    ),
    Endpoint(
        "api:proposal-detail",
        _("单件公开提案"),
        _("提案正文及其公开答复、附件下载地址。"),
        examples.PROPOSAL_DETAIL,
        args=(1180,),
    ),
    Endpoint("api:session-list", _("届次会议"), _("全部届次会议。"), examples.SESSIONS),
    Endpoint("api:category-list", _("类别"), _("提案类别。"), examples.CATEGORIES),
    Endpoint("api:agency-list", _("承办单位"), _("全部承办单位，按名称排序。"), examples.AGENCIES),
]


@functools.cache
def _schema_paths(language: str) -> dict:
    """The generated schema's paths (the labels in the active language)."""
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)["paths"]


def _parameters(operation: dict) -> list[dict]:
    filters = PublicProposalFilter.base_filters
    parameters = []
    for parameter in operation.get("parameters", []):
        if parameter["name"] == LANGUAGE_PARAMETER["name"]:
            continue  # said once, in Chinese, below
        name, schema = parameter["name"], parameter.get("schema", {})
        described = filters[name].label if name in filters else PAGING.get(name, "")
        parameters.append(
            {
                "name": name,
                "location": parameter["in"],
                "type": schema.get("type", ""),
                "values": ", ".join(str(v) for v in schema.get("enum", []) if v != ""),
                "required": parameter.get("required", False),
                "description": described or parameter.get("description", ""),
            }
        )
    return [*parameters, LANGUAGE_PARAMETER]


def reference(request) -> list[dict]:
    """Each endpoint as the page shows it."""
    paths = _schema_paths(get_language())
    shown = []
    for endpoint in ENDPOINTS:
        path = reverse(endpoint.url_name, args=endpoint.args)
        template = reverse(endpoint.url_name, args=[0] * len(endpoint.args)).replace(
            "/0/", "/{id}/"
        )
        operation = paths.get(template, {}).get("get", {})
        url = request.build_absolute_uri(path)
        command = ["curl", "--get", url, "-H", f"Accept-Language: {get_language()}"]
        for name, value in endpoint.query.items():
            command += ["--data-urlencode", f"{name}={value}"]
        shown.append(
            {
                "title": endpoint.title,
                "description": endpoint.description,
                "method": "GET",
                "path": template,
                "parameters": _parameters(operation) if operation else [LANGUAGE_PARAMETER],
                "statuses": [
                    (code, STATUSES[code])
                    for code in sorted(operation.get("responses", {"200": 0}))
                    if code in STATUSES
                ],
                "curl": shlex.join(command),
                "example_url": url + ("?" + urlencode(endpoint.query) if endpoint.query else ""),
                "example": json.dumps(endpoint.example, ensure_ascii=False, indent=2),
            }
        )
    return shown


@require_GET
def api_docs(request):
    return render(
        request,
        "proposals/public/api_docs.html",
        {"endpoints": reference(request), "per_minute": limit_for("api")},
    )
