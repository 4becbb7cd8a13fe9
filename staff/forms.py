"""Forms of the staff back office. They parse and check what was typed (in Chinese);
the rules of each transition stay in the services the views call."""

import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proposals.models import Category, ProposalKind, Session, Sponsor
from responses import deadlines
from responses.models import Agency, Role, Satisfaction
from staff import committee_fields
from staff.selectors import sponsor_kind_from_label, supervisor_choices

# Names in a list field may be separated by new lines or Chinese/Western punctuation.
_SEPARATORS = re.compile(r"[\r\n、，,；;]+")
_WITH_KIND = re.compile(r"^(?P<name>.+?)\s*[（(](?P<kind>[^）)]+)[）)]$")


# --- Messages that name the field --------------------------------------------------------
LENGTH_MESSAGES = {
    "max_length": _("%(field)s最多 %(limit_value)s 个字，现有 %(show_value)s 个。"),
    "min_length": _("%(field)s至少 %(limit_value)s 个字，现有 %(show_value)s 个。"),
}


class NamedLimitsMixin:
    """A text field's length limits, said with the field's name ("标题最多 300 个字，现有
    312 个。") rather than Django's "确保该变量包含不超过 300 字符"; a message the form
    gives itself stays. Composed per form, in the language of the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            label = str(field.label or "").replace("%", "%%")
            for code, message in LENGTH_MESSAGES.items():
                if code not in field.error_messages:
                    field.error_messages[code] = gettext(message) % {
                        "field": label,
                        "limit_value": "%(limit_value)s",
                        "show_value": "%(show_value)s",
                    }


class Form(NamedLimitsMixin, forms.Form):
    """The staff back office's forms. Made with `committee=`, its choices and typed names
    are that committee's (staff.committee_fields)."""

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        committee_fields.limit(self.fields, committee)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def split_names(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


# --- Pickers: a text box with suggestions that reads a name back into a row ----------------
def resolve_sponsor(text: str, committee=None) -> Sponsor:
    """Exact name, or "name（kind）" when several sponsors share the name; within the
    committee when one is given."""
    text = text.strip()
    sponsors = Sponsor.objects.filter(committee=committee) if committee else Sponsor.objects
    matches = list(sponsors.filter(name=text)[:2])
    if not matches:
        found = _WITH_KIND.match(text)
        kind = sponsor_kind_from_label(found["kind"].strip()) if found else None
        if kind:
            matches = list(sponsors.filter(name=found["name"].strip(), kind=kind)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            _("找不到提案人“%(name)s”。请从候选列表中选择，或先在数据管理中添加该提案人。"),
            code="unknown_sponsor",
            params={"name": text},
        )
    raise ValidationError(
        _("有多个名为“%(name)s”的提案人，请写明类型，例如“%(name)s（委员）”。"),
        code="ambiguous_sponsor",
        params={"name": text},
    )


def resolve_agency(text: str, committee=None) -> Agency:
    text = text.strip()
    agencies = Agency.objects.filter(committee=committee) if committee else Agency.objects
    agency = agencies.filter(name=text).first() or agencies.filter(short_name=text).first()
    if agency is None:
        raise ValidationError(
            _("找不到承办单位“%(name)s”。请从候选列表中选择。"),
            code="unknown_agency",
            params={"name": text},
        )
    return agency


def _collect(names: list[str], resolve) -> list:
    found, errors = [], []
    for name in names:
        try:
            found.append(resolve(name))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return found


class PickerMixin:
    """A text field whose value is looked up when the form is cleaned."""

    picker = ""
    resolve = None
    committee = None  # set by the form (staff.committee_fields.limit)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"data-picker": self.picker, "list": f"{self.picker}-options", "autocomplete": "off"}
        )
        if "data-picker-multi" in self.widget.attrs:
            # Texts for the helper box static/js/staff.js adds (scripts cannot translate).
            self.widget.attrs.update(
                {
                    "data-add-label": _("添加"),
                    "data-add-placeholder": _("输入名称，从候选中选择后点“添加”"),
                }
            )


class SponsorField(PickerMixin, forms.CharField):
    picker = "sponsors"

    def clean(self, value):
        value = super().clean(value)
        return resolve_sponsor(value, self.committee) if value else None


class SponsorListField(PickerMixin, forms.CharField):
    picker = "sponsors"
    widget = forms.Textarea(attrs={"rows": 3, "data-picker-multi": "1"})

    def clean(self, value):
        value = super().clean(value)
        return _collect(split_names(value), lambda name: resolve_sponsor(name, self.committee))


class AgencyField(PickerMixin, forms.CharField):
    picker = "agencies"

    def clean(self, value):
        value = super().clean(value)
        return resolve_agency(value, self.committee) if value else None


class AgencyListField(PickerMixin, forms.CharField):
    picker = "agencies"
    widget = forms.Textarea(attrs={"rows": 2, "data-picker-multi": "1"})

    def clean(self, value):
        value = super().clean(value)
        return _collect(split_names(value), lambda name: resolve_agency(name, self.committee))


def sponsor_text(sponsors) -> str:
    return "\n".join(s.name for s in sponsors)


# --- Intake ----------------------------------------------------------------------------
class ProposalFields(Form):
    """What every proposal has (the seed page's fields), for entering and correcting."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=ProposalKind.choices,
        initial=ProposalKind.PROPOSAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("标题"), max_length=300, error_messages={"required": _("请填写标题。")}
    )
    lead_sponsor = SponsorField(
        label=_("领衔提案人"),
        help_text=_("输入名称的一部分，从候选列表中选择。"),
        error_messages={"required": _("请选择领衔提案人。")},
    )
    co_sponsors = SponsorListField(
        label=_("联名提案人"),
        required=False,
        help_text=_("每行一个；也可用顿号分隔。"),
    )
    category = forms.ModelChoiceField(
        label=_("类别"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("（未分类）"),
    )
    submitted_at = forms.DateField(label=_("提交日期"), required=False, widget=DateInput())
    body = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("请填写提案内容。")},
    )

    def clean_body(self):
        # Browsers send textarea lines as CRLF; store the text as typed, with plain \n.
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_sponsor"), data.get("co_sponsors") or []
        if lead is not None and lead in co:
            self.add_error("co_sponsors", _("领衔提案人不必再列为联名提案人。"))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        submitted = data.get("submitted_at")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "category": data.get("category"),
            "lead_sponsor": data["lead_sponsor"],
            "co_sponsors": data.get("co_sponsors") or [],
            "submitted_at": _start_of_day(submitted) if submitted else None,
        }


def _start_of_day(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))


class ProposalCreateForm(ProposalFields):
    session = forms.ModelChoiceField(
        label=_("届次会议"),
        queryset=Session.objects.all(),
        error_messages={"required": _("请选择届次会议。")},
    )
    number = forms.IntegerField(
        label=_("编号"),
        min_value=1,
        required=False,
        help_text=_("留空则自动取本届次下一个空闲编号。"),
    )
    is_key = forms.BooleanField(label=_("重点提案"), required=False)
    field_order = [
        "session",
        "number",
        "kind",
        "title",
        "lead_sponsor",
        "co_sponsors",
        "category",
        "submitted_at",
        "body",
        "is_key",
    ]


class ProposalEditForm(ProposalFields):
    """Session, number and the key flag are not corrected here (each has its own way)."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: cleaned into a list of UploadedFile."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".docx,.doc,.wps"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


class WordImportForm(Form):
    document = MultipleFileField(
        label=_("提案 Word 文件（.docx、.doc、.wps，可多选）"),
        help_text=_(
            "选一个文件：读取标题、提案人和正文，填入录入表单，核对后再保存。"
            "选多个文件：逐个读取后列出预览，确认后一并录入。"
        ),
    )
    session = forms.ModelChoiceField(
        label=_("届次会议"), queryset=Session.objects.all(), required=False
    )


# --- Review ----------------------------------------------------------------------------
class NoteForm(Form):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequiredNoteForm(Form):
    note = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(Form):
    reason = forms.CharField(
        label=_("不予立案理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写不予立案的理由。")},
    )


class MergeForm(Form):
    into_number = forms.IntegerField(
        label=_("并入的提案编号"),
        min_value=1,
        help_text=_("同一届次会议中已立案或正在办理的提案。"),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def clean_into_number(self):
        number = self.cleaned_data["into_number"]
        target = self.proposal.session.proposals.filter(number=number).first()
        if target is None:
            raise ValidationError(
                _("%(session)s没有第%(number)s号提案。"),
                params={"session": self.proposal.session, "number": number},
            )
        self.cleaned_data["into"] = target
        return number


# --- Assignment ------------------------------------------------------------------------
LEAD_ROLES = [(Role.LEAD, _("主办")), (Role.SOLE, _("独办"))]


class AssignForm(Form):
    """交办: one principal agency (主办/独办) with 会办/协办 agencies, or 分办 agencies."""

    lead_agency = AgencyField(label=_("主办（独办）单位"), required=False)
    lead_role = forms.ChoiceField(
        label=_("办理方式"), choices=LEAD_ROLES, initial=Role.LEAD, widget=forms.RadioSelect
    )
    joint_agencies = AgencyListField(label=_("会办单位"), required=False)
    assisting_agencies = AgencyListField(label=_("协办单位"), required=False)
    separate_agencies = AgencyListField(
        label=_("分办单位"), required=False, help_text=_("分办时不填主办单位，至少两个单位。")
    )
    deadline = forms.DateField(label=_("办理期限"), widget=DateInput())
    deadline_reason = forms.CharField(
        label=_("修改期限的理由"),
        required=False,
        help_text=_("办理期限与按规定计算的日期不同时必填。"),
    )

    def __init__(self, *args, rules, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.computed = deadlines.reply_deadline(today or timezone.localdate(), rules)
        self.fields["deadline"].initial = self.computed.date

    def clean(self):
        data = super().clean()
        agencies = []
        if data.get("lead_agency"):
            agencies.append((data["lead_agency"], data.get("lead_role") or Role.LEAD))
        for name, role in [
            ("joint_agencies", Role.JOINT),
            ("assisting_agencies", Role.ASSISTING),
            ("separate_agencies", Role.SEPARATE),
        ]:
            agencies.extend((agency, role) for agency in data.get(name) or [])
        if not agencies and not self.errors:
            raise ValidationError(_("请至少选择一个承办单位。"))
        data["agencies"] = agencies
        deadline = data.get("deadline")
        if deadline and deadline != self.computed.date and not data.get("deadline_reason"):
            self.add_error("deadline_reason", _("修改默认办理期限时请说明理由。"))
        return data


class AddAssignmentForm(Form):
    agency = AgencyField(label=_("承办单位"))
    role = forms.ChoiceField(label=_("办理方式"), choices=Role.choices)
    deadline = forms.DateField(
        label=_("办理期限"),
        required=False,
        widget=DateInput(),
        help_text=_("留空则按规定计算（交办之日起3个月）。"),
    )
    deadline_reason = forms.CharField(label=_("修改期限的理由"), required=False)


class ChangeDeadlineForm(Form):
    deadline = forms.DateField(label=_("新的办理期限"), widget=DateInput())
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明调整期限的理由。")},
    )


DECISIONS = [("approve", _("同意")), ("refuse", _("不同意"))]


class DecisionForm(Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不同意时必填。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("不同意时请填写审批意见。"))
        return data

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class ReassignmentDecisionForm(DecisionForm):
    new_agency = AgencyField(
        label=_("改由承办单位"),
        required=False,
        help_text=_(
            "同意调整时可直接交给另一单位，办理方式不变，期限重新计算；"
            "留空则撤回该单位，若再无应答复的单位，提案回到“已立案”待重新交办。"
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_agency") and data.get("decision") == "refuse":
            self.add_error("new_agency", _("不同意调整时不能改由其他单位办理。"))
        return data


# --- Replies and feedback --------------------------------------------------------------
class SendBackForm(Form):
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("重新办理期限"),
        required=False,
        widget=DateInput(),
        help_text=_("留空则按规定计算。"),
    )


class FeedbackForm(Form):
    sponsor = forms.ModelChoiceField(label=_("提案人"), queryset=Sponsor.objects.none())
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = Sponsor.objects.filter(pk__in=[s.pk for s in sponsors])
        if len(sponsors) == 1:
            self.fields["sponsor"].initial = sponsors[0].pk


# --- Supervision -----------------------------------------------------------------------
class KeyProposalForm(Form):
    is_key = forms.BooleanField(label=_("重点提案"), required=False)
    supervisor = forms.ModelChoiceField(
        label=_("督办领导"), queryset=supervisor_choices(), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("supervisor") and not data.get("is_key"):
            self.add_error("supervisor", _("只有重点提案才需要指定督办领导。"))
        return data


# --- Imports and reports ---------------------------------------------------------------
class BulkImportForm(Form):
    file = forms.FileField(
        label=_("表格文件（.xlsx 或 .csv）"),
        help_text=_("第一行为表头。先预览检查，确认无误后再导入。"),
    )


class ReportSessionForm(Form):
    session = forms.ModelChoiceField(
        label=_("届次会议"), queryset=Session.objects.all(), empty_label=None
    )
