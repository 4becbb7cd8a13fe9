"""Open-data representations. Every field is listed by name: a sponsor's phone or
e-mail, an officer's name or login, a reply's contact person and phone never appear."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from proposals.models import Category, Proposal, Session, Sponsorship
from responses.models import Agency, Assignment, Reply, ReplyDocument


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "name", "term", "meeting", "year", "is_current"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class AgencySerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "web_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, agency) -> str:
        return reverse("public:agency", args=[agency.pk], request=self.context.get("request"))


class SponsorshipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="sponsor.id")
    name = serializers.CharField(source="sponsor.name")
    kind = serializers.CharField(source="sponsor.kind")
    kind_display = serializers.CharField(source="sponsor.get_kind_display")

    class Meta:
        model = Sponsorship
        fields = ["id", "name", "kind", "kind_display", "is_lead"]


class AssignmentSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    agency_id = serializers.IntegerField()
    role_display = serializers.CharField(source="get_role_display")

    class Meta:
        model = Assignment
        fields = ["agency_id", "agency", "role", "role_display", "assigned_at", "deadline"]


class DocumentSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = ReplyDocument
        fields = ["id", "original_name", "doc_type", "size", "sha256", "pdf_url", "original_url"]

    # Null until the letter's public PDF passed its check (docs/redaction.md).
    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, document) -> str | None:
        if document.render_status != "ready" or document.public_check != "passed":
            return None
        if not document.pdf:
            return None
        return reverse("public:reply-pdf", args=[document.pk], request=self.context.get("request"))

    # Null unless staff published the original.
    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_original_url(self, document) -> str | None:
        if not document.original_public:  # published by staff on purpose only
            return None
        return reverse(
            "public:reply-original", args=[document.pk], request=self.context.get("request")
        )


class ReplySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="assignment.agency.name")
    agency_id = serializers.IntegerField(source="assignment.agency_id")
    # What the code meant in the scheme the reply was filed under, in the request's language.
    classification_label = serializers.CharField(read_only=True)
    documents = DocumentSerializer(many=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "agency_id",
            "agency",
            "round",
            "classification",
            "classification_label",
            "replied_at",
            "summary",
            "documents",
        ]


class ProposalListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:proposal-detail")
    web_url = serializers.SerializerMethodField()
    session = SessionSerializer()
    category = serializers.CharField(source="category.name", default=None)
    sponsors = SponsorshipSerializer(source="sponsorships", many=True)
    agencies = AssignmentSerializer(source="live_assignments", many=True)
    classifications = serializers.ListField(child=serializers.CharField())
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "url",
            "web_url",
            "session",
            "number",
            "kind",
            "title",
            "category",
            "sponsors",
            "agencies",
            "status",
            "status_display",
            "classifications",
            "is_key",
            "published_at",
            "view_count",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, proposal) -> str:
        return reverse("public:proposal", args=[proposal.pk], request=self.context.get("request"))


class ProposalDetailSerializer(ProposalListSerializer):
    replies = ReplySerializer(source="public_reply_list", many=True)

    class Meta(ProposalListSerializer.Meta):
        fields = [*ProposalListSerializer.Meta.fields, "body", "replies"]


# --- Errors, as the API answers them (documented in the schema) -------------------------


class ErrorSerializer(serializers.Serializer):
    """A refusal with its reason: a proposal that is not published or does not exist, a
    page past the last one, too many requests (429)."""

    detail = serializers.CharField()


# A rejected filter: each offending parameter with its reasons, e.g.
# {"category": ["选择一个有效的选项。"]} for a category id that names no category.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
