"""The officer's forms. They check what a person typed; the services check the rules."""

import datetime as dt
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import clock

REPLY_EXTENSIONS = (".doc", ".docx", ".wps", ".pdf")
OPINION_EXTENSIONS = (".doc", ".docx", ".wps", ".pdf")


def _check_upload(upload, *, extensions, max_bytes):
    """Name and size only: the document pipeline checks the content itself."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in extensions:
        raise forms.ValidationError(
            _("只接受 %(types)s 格式的文件。"), params={"types": "、".join(extensions)}
        )
    if upload.size > max_bytes:
        raise forms.ValidationError(
            _("文件过大（%(size)s），上限为 %(limit)s。"),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的。"))
    return upload


class OfficerForm(forms.Form):
    """Labels stand above their fields: no trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ReassignmentForm(OfficerForm):
    reason = forms.CharField(
        label=_("申请调整理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请说明该提案为何不属于本单位职责范围。"),
    )
    suggested_agency = forms.CharField(label=_("建议改由单位"), max_length=100, required=False)


class ExtensionForm(OfficerForm):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if latest is not None:
            self.fields["requested_deadline"].widget.attrs["max"] = f"{latest:%Y-%m-%d}"
            self.fields["requested_deadline"].help_text = _("最晚可延至 %(date)s。") % {
                "date": f"{latest:%Y-%m-%d}"
            }


class OpinionForm(OfficerForm):
    body = forms.CharField(label=_("会办意见"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("附件（可选）"),
        required=False,
        help_text=_("可附 .doc、.docx、.wps 或 .pdf 文件。"),
    )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        upload = _check_upload(
            upload, extensions=OPINION_EXTENSIONS, max_bytes=settings.REPLY_UPLOAD_MAX_BYTES
        )
        # By content too, as for a reply letter: an HTML page or a program renamed .doc
        # must not be stored and served to the lead agency.
        from responses.documents.sniff import RejectedDocument, inspect_upload

        try:
            inspect_upload(upload)
        except RejectedDocument as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


PUBLIC_CHOICES = [("1", _("公开")), ("0", _("不公开"))]


class ReplyForm(OfficerForm):
    """答复: the letter and what the committee records about it."""

    upload = forms.FileField(
        label=_("答复函"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(REPLY_EXTENSIONS)}),
    )
    classification = forms.ChoiceField(label=_("办理类型"), widget=forms.RadioSelect)
    summary = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("答复要点，公开时显示在提案页面上。"),
    )
    signer = forms.CharField(label=_("签发人"), max_length=64)
    contact = forms.CharField(label=_("联系人"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    is_public = forms.TypedChoiceField(
        label=_("公开属性"),
        choices=PUBLIC_CHOICES,
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    replied_on = forms.DateField(label=_("答复日期"), widget=DateInput())
    replied_time = forms.TimeField(
        label=_("答复时间"),
        widget=TimeInput(),
        help_text=_("答复函签发的时间（北京时间），默认为现在。"),
    )

    def __init__(self, *args, rules, has_letter=False, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_letter = has_letter
        self.kept = kept  # a letter kept from a refused save (officer.kept_letters)
        self.fields["classification"].choices = rules.classification_choices()
        limit = filesizeformat(settings.REPLY_UPLOAD_MAX_BYTES)
        self.fields["upload"].help_text = _(
            "支持 .doc、.docx、.wps、.pdf 格式，不超过 %(limit)s。"
        ) % {"limit": limit}
        if has_letter:
            self.fields["upload"].help_text += str(
                _("已上传的答复函会保留；再次选择文件将作为新的附件上传。")
            )
        if kept is not None:
            self.fields["upload"].help_text += str(
                _("已上传的“%(name)s”会保留，无需重新选择；选择其他文件将替换它。")
                % {"name": kept.name}
            )
        self.fields["upload"].required = not (has_letter or kept)
        now = timezone.localtime(clock.now())
        self.fields["replied_on"].widget.attrs["max"] = f"{now:%Y-%m-%d}"
        if not self.is_bound and "replied_on" not in self.initial:
            self.initial["replied_on"] = now.date()
            self.initial["replied_time"] = now.time().replace(second=0, microsecond=0)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        return _check_upload(
            upload, extensions=REPLY_EXTENSIONS, max_bytes=settings.REPLY_UPLOAD_MAX_BYTES
        )

    def replied_at(self) -> dt.datetime:
        """The moment the officer gave, in the committee's time zone (Asia/Shanghai)."""
        day, time = self.cleaned_data["replied_on"], self.cleaned_data["replied_time"]
        moment = dt.datetime.combine(day, time.replace(tzinfo=None))
        return timezone.make_aware(moment, timezone.get_default_timezone())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "classification": data["classification"],
            "replied_at": self.replied_at(),
            "signer": data["signer"],
            "contact": data["contact"],
            "contact_phone": data["contact_phone"],
            "is_public": data["is_public"],
            "summary": data["summary"],
            "upload": data["upload"],
        }

    @classmethod
    def initial_from(cls, reply) -> dict:
        local = timezone.localtime(reply.replied_at).replace(second=0, microsecond=0)
        return {
            "classification": reply.classification,
            "summary": reply.summary,
            "signer": reply.signer,
            "contact": reply.contact,
            "contact_phone": reply.contact_phone,
            "is_public": "1" if reply.is_public else "0",
            "replied_on": local.date(),
            # A reply filed before the time was asked for says 00:00: not a time, ask again.
            "replied_time": None if local.time() == dt.time.min else local.time(),
        }
