"""Example answers shown on the API reference page (portal/api/docs.py), shaped as the
serializers answer (tests/test_api_docs.py compares their keys with real answers)."""

SESSION = {
    "id": 4,
    "name": "第十五届委员会第四次会议",
    "term": 15,
    "meeting": 4,
    "year": 2025,
    "is_current": True,
}
PROPOSAL = {
    "id": 1180,
    "url": "https://example.org/api/v1/proposals/1180/",
    "web_url": "https://example.org/proposals/1180/",
    "session": SESSION,
    "number": 118,
    "kind": "suggestion",
    "title": "关于“人工智能+产业”深度融合赋能新型工业化的建议",
    "category": "经济",
    "sponsors": [
        {"id": 6, "name": "市致公党", "kind": "party", "kind_display": "民主党派", "is_lead": True}
    ],
    "agencies": [
        {
            "agency_id": 3,
            "agency": "苏州市工业和信息化局",
            "role": "lead",
            "role_display": "主办",
            "assigned_at": "2025-04-11T10:00:00+08:00",
            "deadline": "2025-07-11",
        }
    ],
    "status": "replied",
    "status_display": "已答复",
    "classifications": ["A"],
    "is_key": False,
    "published_at": "2025-03-20T09:30:00+08:00",
    "view_count": 57,
}
PROPOSAL_LIST = {
    "count": 1,
    "count_capped": False,
    "next": None,
    "previous": None,
    "results": [PROPOSAL],
}
PROPOSAL_DETAIL = PROPOSAL | {
    "body": "习近平总书记强调，江苏要在推进中国式现代化中走在前做示范。……",
    "replies": [
        {
            "id": 210,
            "agency_id": 3,
            "agency": "苏州市工业和信息化局",
            "round": 1,
            "classification": "A",
            "classification_label": "已经解决或基本解决",
            "replied_at": "2025-06-20T14:57:00+08:00",
            "summary": "",
            "documents": [
                {
                    "id": 88,
                    "original_name": "118号提案的答复.doc",
                    "doc_type": "doc",
                    "size": 46592,
                    "sha256": "9f2c…",
                    "pdf_url": "https://example.org/replies/documents/88/pdf/",
                    "original_url": "https://example.org/replies/documents/88/original/",
                }
            ],
        }
    ],
}
SESSIONS = [SESSION]
CATEGORIES = [{"id": 1, "name": "经济"}, {"id": 2, "name": "文化"}]
AGENCIES = [
    {
        "id": 3,
        "name": "苏州市工业和信息化局",
        "short_name": "市工信局",
        "web_url": "https://example.org/agencies/3/",
    }
]
INDEX = {
    "proposals": "https://example.org/api/v1/proposals/",
    "sessions": "https://example.org/api/v1/sessions/",
    "categories": "https://example.org/api/v1/categories/",
    "agencies": "https://example.org/api/v1/agencies/",
    "schema": "https://example.org/api/v1/schema/",
    "docs": "https://example.org/open-data/api/",
}
ERROR = {"detail": "没有这个 id 的公开提案。"}
