"""Play the demo plans through the workflow services, each step at its own moment.

Every change goes through proposals.services / responses.services, so the data obey the
same rules as real work and carry their audit events. The services take "now" from
common.clock, so each step runs inside `clock.at(moment)`, the moment it happened (office hours,
Asia/Shanghai). Finished sessions follow the calendar of their year; the newest
session's open work is placed relative to today, so that some deadlines are days away and
some have passed whenever the demo is loaded.
"""

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from common import clock
from demo import data
from demo.generate import Plan, SponsorRef
from demo.letters import letter_name
from demo.seed import SHANGHAI, SeedProposal
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalKind
from responses import closing
from responses import services as response_services
from responses.models import Assignment, AssignmentState, Role, Satisfaction

REASSIGNMENT_REASON = (
    "该提案所提事项主要属于{other}的职责范围，我单位不具备牵头办理的条件，申请调整。"
)
EXTENSION_REASON = "提案涉及多个部门和下一年度预算安排，需进一步调研论证，申请延期答复。"
OPINION_BODY = (
    "我单位认真研究了该提案，对主办单位答复提出以下会办意见：一是{measure}；"
    "二是我单位将在职责范围内做好配合，及时提供相关数据和政策支持。"
)
SUMMARY = {
    "A": "经认真研究，提案所提建议已基本采纳。关于“{measure}”的建议，相关工作已纳入年度计划"
    "并推进实施，配套政策文件已印发执行。",
    "B": "提案所提问题正在推动解决。关于“{measure}”的建议，已列入下一步工作计划，将根据财力"
    "状况和工作进度分步实施。",
    "C": "提案所提建议具有参考价值。关于“{measure}”的建议，受现行政策和客观条件限制，"
    "目前实施尚有困难，将作为今后工作的重要参考。",
}
CLASSIFICATION_WEIGHTS = (("A", 45), ("B", 40), ("C", 15))
SATISFACTION_WEIGHTS = (
    (Satisfaction.SATISFIED, 74),
    (Satisfaction.BASICALLY, 21),
    (Satisfaction.DISSATISFIED, 5),
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


class Timeline:
    """Moments for one proposal's steps, in office hours, never in the future."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now

    def on(self, day: date) -> datetime:
        moment = at(day, self.rng.randint(9, 16), self.rng.randint(0, 59))
        if moment >= self.now:
            raise ValueError(f"demo step planned in the future: {moment:%Y-%m-%d %H:%M}")
        return moment

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))


class Builder:
    """Builds plans into the database; the rows they refer to come from reference.py."""

    def __init__(self, *, refs, today: date, now: datetime, letters: dict[str, bytes]):
        self.refs = refs
        self.today = today
        self.now = now
        self.letters = letters

    # --- steps: one service call at one moment ----------------------------------------------

    def step(self, moment: datetime, function, *args, **kwargs):
        with clock.at(moment):
            return function(*args, **kwargs)

    def officer(self, assignment: Assignment):
        return self.refs.officers[assignment.agency_id]

    def sponsor(self, ref: SponsorRef):
        return self.refs.sponsors[(ref.name, ref.kind)]

    def create(self, plan: Plan, submitted: datetime, *, draft: bool = False) -> Proposal:
        return self.step(
            submitted,
            proposal_services.create_proposal,
            session=self.refs.sessions[(plan.term, plan.meeting)],
            number=plan.number,
            kind=plan.kind,
            title=plan.title,
            body=plan.body,
            category=self.refs.categories[plan.category],
            lead_sponsor=self.sponsor(plan.lead),
            co_sponsors=[self.sponsor(s) for s in plan.co_sponsors],
            submitted_at=None if draft else submitted,
            draft=draft,
            by=self.refs.staff,
        )

    def upload(self, classification: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(
            letter_name(classification),
            self.letters[classification],
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )

    def reply(
        self,
        assignment: Assignment,
        moment: datetime,
        rng: random.Random,
        *,
        classification: str | None = None,
        confirm: bool = True,
        upload: SimpleUploadedFile | None = None,
        measure: str = "",
    ):
        classification = classification or pick(rng, CLASSIFICATION_WEIGHTS)
        officer = self.officer(assignment)
        agency = assignment.agency
        reply = self.step(
            moment,
            response_services.file_reply,
            assignment,
            classification=classification,
            replied_at=moment,
            signer=self.refs.signers[agency.pk],
            contact=officer.display_name,
            contact_phone=officer.phone,
            is_public=rng.random() > 0.05,
            summary=SUMMARY[classification].format(measure=measure),
            upload=upload or self.upload(classification),
            by=officer,
        )
        if confirm:
            self.step(
                moment + timedelta(minutes=25), response_services.confirm_reply, reply, by=officer
            )
        return reply

    def feedback(self, reply, ref: SponsorRef, satisfaction: str, moment: datetime, rng):
        sponsor = self.sponsor(ref)
        user = self.refs.sponsor_users.get(sponsor.pk) or self.refs.staff
        comments = (
            data.DISSATISFIED_COMMENTS
            if satisfaction == Satisfaction.DISSATISFIED
            else data.SATISFIED_COMMENTS
        )
        return self.step(
            moment,
            response_services.record_feedback,
            reply,
            sponsor=sponsor,
            satisfaction=satisfaction,
            comment=rng.choice(comments),
            by=user,
        )

    def publish(self, proposal: Proposal, moment: datetime) -> None:
        if moment < self.now - timedelta(hours=1):
            self.step(moment, proposal_services.publish_proposal, proposal, by=self.refs.staff)

    # --- one plan -------------------------------------------------------------------------

    @transaction.atomic
    def build(self, plan: Plan, *, unpublish: bool = False) -> Proposal:
        rng = random.Random(plan.seed)
        tl = Timeline(rng, self.now)
        session = data_session(plan)
        scenario = plan.scenario
        staff = self.refs.staff

        # Where the handling is anchored: finished work in the calendar of its session,
        # open work of the newest session relative to today.
        assign_day = self.assign_day(plan, rng, session)
        if scenario in {"draft", "submitted", "registered"}:
            return self.build_unhandled(plan, rng, tl)
        if assign_day:  # submitted between meetings (平时提案), reviewed, then assigned
            review_day = assign_day - tl.days(5, 15)
            submit_day = max(session.opened_on, review_day - tl.days(12, 30))
        else:  # submitted at the meeting, reviewed within weeks
            submit_day = session.opened_on + tl.days(0, 3)
            review_day = session.opened_on + tl.days(25, 45)
        proposal = self.create(plan, tl.on(submit_day))
        review = tl.on(review_day)
        if scenario == "rejected":
            self.step(
                review,
                proposal_services.reject_proposal,
                proposal,
                reason=rng.choice(data.REJECT_REASONS),
                by=staff,
            )
            return proposal
        if scenario == "converted":
            self.step(
                review,
                proposal_services.convert_proposal,
                proposal,
                note=rng.choice(data.CONVERT_NOTES),
                by=staff,
            )
            return proposal
        self.step(
            review,
            proposal_services.register_proposal,
            proposal,
            note="符合立案条件，予以立案。",
            by=staff,
        )
        for merged_plan in plan.absorbs:
            merged = self.create(merged_plan, tl.on(submit_day + tl.days(0, 2)))
            self.step(
                review + timedelta(hours=1),
                closing.merge_proposal,
                merged,
                into=proposal,
                by=staff,
            )
        if rng.random() < 0.08 or (scenario == "due_soon" and plan.number % 2):
            self.step(
                review + timedelta(hours=2),
                proposal_services.set_key_proposal,
                proposal,
                is_key=True,
                supervisor=rng.choice(self.refs.supervisors),
                by=staff,
            )

        assign_moment = tl.on(assign_day or (review_day + tl.days(7, 20)))
        assignments = self.assign(plan, proposal, assign_moment, rng)
        handler = getattr(self, f"handle_{scenario}")
        handler(plan, proposal, assignments, rng, tl)
        if unpublish and proposal.is_published:
            self.step(
                proposal.published_at + timedelta(days=12),
                proposal_services.unpublish_proposal,
                proposal,
                note="答复涉及个人信息，暂停公开，待处理后重新发布。",
                by=staff,
            )
        return proposal

    def assign_day(self, plan: Plan, rng: random.Random, session) -> date | None:
        """The day of 交办 for open work placed relative to today; None: the session's calendar."""
        today = self.today
        three_months = relativedelta(months=3)
        offsets = {
            "pending": lambda: today - timedelta(days=rng.randint(1, 6)),
            "reassignment_pending": lambda: today - timedelta(days=rng.randint(3, 7)),
            "accepted": lambda: today - timedelta(days=rng.randint(15, 45)),
            "due_soon": lambda: today + timedelta(days=rng.randint(2, 14)) - three_months,
            "overdue": lambda: today - timedelta(days=rng.randint(3, 45)) - three_months,
            "extension_pending": lambda: today + timedelta(days=rng.randint(3, 20)) - three_months,
            "opinions_waiting": lambda: today - timedelta(days=rng.randint(35, 55)),
            "draft_reply": lambda: today - timedelta(days=rng.randint(60, 80)),
            "separate_partial": lambda: today - timedelta(days=rng.randint(60, 85)),
            "replied": lambda: today - timedelta(days=rng.randint(100, 140)),
            "evaluated": lambda: today - timedelta(days=rng.randint(100, 140)),
            "rehandling": lambda: today - timedelta(days=rng.randint(125, 150)),
        }
        if plan.scenario in offsets:
            return offsets[plan.scenario]()
        return None

    def build_unhandled(self, plan: Plan, rng: random.Random, tl: Timeline) -> Proposal:
        today = self.today
        if plan.scenario == "draft":
            return self.create(plan, tl.on(today - tl.days(1, 10)), draft=True)
        if plan.scenario == "submitted":
            return self.create(plan, tl.on(today - tl.days(1, 15)))
        proposal = self.create(plan, tl.on(today - tl.days(15, 30)))
        review_day = today - tl.days(2, 10)
        self.step(
            tl.on(review_day),
            proposal_services.register_proposal,
            proposal,
            note="符合立案条件，予以立案。",
            by=self.refs.staff,
        )
        if rng.random() < 0.3:
            self.publish(proposal, tl.on(review_day + timedelta(days=1)))
        return proposal

    def assign(self, plan, proposal, moment, rng) -> list[Assignment]:
        staff = self.refs.staff
        agencies = [(self.refs.agencies[code], role) for code, role in plan.agencies]
        finished = plan.scenario in {"closed", "closed_rehandled"}
        misassigned = finished and len(agencies) == 1 and rng.random() < 0.06
        if misassigned:
            # 申请调整: first sent to the wrong agency, which asks for it to go elsewhere.
            right = agencies[0][0]
            wrong = self.refs.agencies[next(c for c in plan.topic.helpers if c != plan.topic.lead)]
            (first,) = self.step(
                moment,
                response_services.assign_proposal,
                proposal,
                agencies=[(wrong, Role.SOLE)],
                by=staff,
            )
            request = self.step(
                moment + timedelta(days=2),
                response_services.request_reassignment,
                first,
                reason=REASSIGNMENT_REASON.format(other=right.name),
                suggested_agency=right.name,
                by=self.officer(first),
            )
            self.step(
                moment + timedelta(days=4),
                response_services.decide_reassignment,
                request,
                approve=True,
                note="同意调整，改由建议单位办理。",
                new_agency=right,
                by=staff,
            )
            return list(proposal.assignments.exclude(state=AssignmentState.WITHDRAWN))
        return self.step(
            moment, response_services.assign_proposal, proposal, agencies=agencies, by=staff
        )

    # --- helpers shared by the handlers ---------------------------------------------------------

    def accept_all(self, assignments, tl: Timeline, *, skip=()):
        for assignment in assignments:
            if assignment in skip:
                continue
            moment = tl.on(timezone.localdate(assignment.assigned_at) + tl.days(1, 4))
            self.step(
                moment, response_services.accept_assignment, assignment, by=self.officer(assignment)
            )

    def file_opinions(self, plan, assignments, tl: Timeline, *, missing=()):
        for assignment in assignments:
            if assignment.role not in {Role.JOINT, Role.ASSISTING} or assignment in missing:
                continue
            moment = tl.on(timezone.localdate(assignment.assigned_at) + tl.days(15, 28))
            self.step(
                moment,
                response_services.file_joint_opinion,
                assignment,
                body=OPINION_BODY.format(measure=tl.rng.choice(plan.topic.measures)),
                by=self.officer(assignment),
            )

    def replying(self, assignments):
        return [a for a in assignments if a.role in {Role.SOLE, Role.LEAD, Role.SEPARATE}]

    def handle_in_order(self, plan, assignments, rng, tl, *, reply_after=(45, 88)):
        """签收, 会办意见 and the replies of every agency that owes one; returns the replies."""
        waive = (
            any(a.role in {Role.JOINT, Role.ASSISTING} for a in assignments) and rng.random() < 0.15
        )
        helpers = [a for a in assignments if a.role in {Role.JOINT, Role.ASSISTING}]
        missing = helpers[-1:] if waive else []
        self.accept_all(assignments, tl, skip=missing)
        self.file_opinions(plan, assignments, tl, missing=missing)
        replies = []
        for assignment in self.replying(assignments):
            assigned_on = timezone.localdate(assignment.assigned_at)
            if waive and assignment.role == Role.LEAD:
                self.step(
                    tl.on(assigned_on + timedelta(days=35)),
                    response_services.waive_joint_opinions,
                    assignment,
                    note="会办单位逾期未提交意见，同意主办单位先行答复。",
                    by=self.refs.staff,
                )
            reply_day = assigned_on + tl.days(*reply_after)
            if plan.scenario in {"closed", "closed_rehandled"} and rng.random() < 0.08:
                reply_day = self.extend(assignment, rng, tl, approve=rng.random() < 0.7)
            reply = self.reply(
                assignment, tl.on(reply_day), rng, measure=rng.choice(plan.topic.measures)
            )
            if plan.scenario == "closed" and rng.random() < 0.03:
                self.reopen(reply, tl, rng)
            replies.append(reply)
        return replies

    def extend(self, assignment, rng, tl, *, approve: bool) -> date:
        """延期申请 some weeks before the deadline; returns the day the reply then comes."""
        officer = self.officer(assignment)
        asked_on = assignment.deadline - tl.days(10, 20)
        wanted = assignment.deadline + relativedelta(months=1)
        request = self.step(
            tl.on(asked_on),
            response_services.request_extension,
            assignment,
            requested_deadline=wanted,
            reason=EXTENSION_REASON,
            by=officer,
        )
        decided_on = asked_on + tl.days(1, 3)
        self.step(
            tl.on(decided_on),
            response_services.decide_extension,
            request,
            approve=approve,
            note="" if approve else "理由不够充分，请按期答复。",
            by=self.refs.staff,
        )
        if approve:
            assignment.refresh_from_db()
            return assignment.deadline - tl.days(2, 12)
        return assignment.deadline - tl.days(1, 5)

    def reopen(self, reply, tl, rng):
        """退回答复: staff return a confirmed letter for a fix; the agency confirms again."""
        reply_day = timezone.localdate(reply.replied_at)
        moment = tl.on(reply_day + timedelta(days=1))
        self.step(
            moment,
            response_services.reopen_reply,
            reply,
            note="答复函缺少签发人签字页，请补正后重新确认。",
            by=self.refs.staff,
        )
        self.step(
            moment + timedelta(hours=3),
            response_services.confirm_reply,
            reply,
            by=self.officer(reply.assignment),
        )

    def evaluate(self, plan, replies, rng, tl, *, satisfaction=None, after=(7, 25)) -> date:
        last = date.min
        for reply in replies:
            day = timezone.localdate(reply.replied_at) + tl.days(*after)
            self.feedback(
                reply, plan.lead, satisfaction or pick(rng, SATISFACTION_WEIGHTS), tl.on(day), rng
            )
            for merged in plan.absorbs:
                if rng.random() < 0.5:
                    self.feedback(
                        reply,
                        merged.lead,
                        pick(rng, SATISFACTION_WEIGHTS[:2]),
                        tl.on(day + timedelta(days=1)),
                        rng,
                    )
            last = max(last, day)
        return last

    def close_and_publish(self, proposal, day: date, rng, tl, *, publish_chance=0.85):
        close_day = day + tl.days(5, 20)
        self.step(tl.on(close_day), closing.close_proposal, proposal, by=self.refs.staff)
        if rng.random() < publish_chance:
            publish_day = close_day + tl.days(15, 60)
            if publish_day < self.today:
                self.publish(proposal, tl.on(publish_day))

    # --- the scenario handlers --------------------------------------------------------------

    def handle_pending(self, plan, proposal, assignments, rng, tl):
        if rng.random() < 0.3:
            self.publish(proposal, assignments[0].assigned_at + timedelta(hours=1))

    def handle_reassignment_pending(self, plan, proposal, assignments, rng, tl):
        (assignment,) = assignments
        other = next(c for c in plan.topic.helpers if c != plan.topic.lead)
        other_name = self.refs.agencies[other].name
        moment = tl.on(timezone.localdate(assignment.assigned_at) + tl.days(1, 2))
        self.step(
            moment,
            response_services.request_reassignment,
            assignment,
            reason=REASSIGNMENT_REASON.format(other=other_name),
            suggested_agency=other_name,
            by=self.officer(assignment),
        )

    def handle_accepted(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        if rng.random() < 0.4:
            self.publish(proposal, assignments[0].assigned_at + timedelta(days=2))

    def handle_due_soon(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        self.file_opinions(plan, assignments, tl)
        if rng.random() < 0.5:
            self.publish(proposal, assignments[0].assigned_at + tl.days(3, 9))

    def handle_overdue(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        self.file_opinions(plan, assignments, tl)
        lead = self.replying(assignments)[0]
        if rng.random() < 0.5:
            self.extend(lead, rng, tl, approve=False)

    def handle_extension_pending(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        self.file_opinions(plan, assignments, tl)
        lead = self.replying(assignments)[0]
        self.step(
            tl.on(self.today - tl.days(1, 3)),
            response_services.request_extension,
            lead,
            requested_deadline=lead.deadline + relativedelta(months=1),
            reason=EXTENSION_REASON,
            by=self.officer(lead),
        )

    def handle_opinions_waiting(self, plan, proposal, assignments, rng, tl):
        helpers = [a for a in assignments if a.role in {Role.JOINT, Role.ASSISTING}]
        self.accept_all(assignments, tl, skip=helpers[-1:])
        self.file_opinions(plan, assignments, tl, missing=helpers[-1:])

    def handle_draft_reply(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        (assignment,) = assignments
        self.reply(
            assignment,
            tl.on(self.today - tl.days(1, 2)),
            rng,
            confirm=False,
            measure=rng.choice(plan.topic.measures),
        )

    def handle_separate_partial(self, plan, proposal, assignments, rng, tl):
        self.accept_all(assignments, tl)
        first = self.replying(assignments)[0]
        self.reply(
            first, tl.on(self.today - tl.days(5, 12)), rng, measure=rng.choice(plan.topic.measures)
        )

    def handle_replied(self, plan, proposal, assignments, rng, tl):
        replies = self.handle_in_order(plan, assignments, rng, tl, reply_after=(50, 85))
        if rng.random() < 0.5:
            last = max(timezone.localdate(r.replied_at) for r in replies)
            self.publish(proposal, tl.on(last + tl.days(3, 10)))

    def handle_evaluated(self, plan, proposal, assignments, rng, tl):
        replies = self.handle_in_order(plan, assignments, rng, tl, reply_after=(50, 85))
        satisfaction = Satisfaction.DISSATISFIED if plan.number % 4 == 0 else None
        day = self.evaluate(plan, replies, rng, tl, satisfaction=satisfaction, after=(5, 12))
        if rng.random() < 0.5:
            self.publish(proposal, tl.on(day + timedelta(days=2)))

    def handle_rehandling(self, plan, proposal, assignments, rng, tl):
        (assignment,) = assignments
        self.accept_all(assignments, tl)
        reply_day = self.today - tl.days(45, 60)
        reply = self.reply(
            assignment,
            tl.on(reply_day),
            rng,
            classification=rng.choice("BC"),
            measure=rng.choice(plan.topic.measures),
        )
        self.feedback(
            reply, plan.lead, Satisfaction.DISSATISFIED, tl.on(self.today - tl.days(25, 35)), rng
        )
        self.step(
            tl.on(self.today - tl.days(5, 20)),
            response_services.send_back_for_rehandling,
            assignment,
            note="提案人对答复不满意，请重新办理并加强与提案人沟通。",
            by=self.refs.staff,
        )

    def handle_closed(self, plan, proposal, assignments, rng, tl):
        replies = self.handle_in_order(plan, assignments, rng, tl)
        day = self.evaluate(plan, replies, rng, tl)
        self.close_and_publish(proposal, day, rng, tl)

    def handle_closed_rehandled(self, plan, proposal, assignments, rng, tl):
        (assignment,) = assignments
        replies = self.handle_in_order(plan, assignments, rng, tl)
        day = self.evaluate(plan, replies, rng, tl, satisfaction=Satisfaction.DISSATISFIED)
        sent_back = day + tl.days(3, 7)
        self.step(
            tl.on(sent_back),
            response_services.send_back_for_rehandling,
            assignment,
            note="提案人对答复不满意，请重新办理并加强与提案人沟通。",
            by=self.refs.staff,
        )
        assignment.refresh_from_db()
        second = self.reply(
            assignment,
            tl.on(sent_back + tl.days(14, 26)),
            rng,
            classification="A",
            measure=rng.choice(plan.topic.measures),
        )
        day = self.evaluate(
            plan, [second], rng, tl, satisfaction=Satisfaction.BASICALLY, after=(6, 12)
        )
        self.close_and_publish(proposal, day, rng, tl)

    # --- proposal 118, exactly as published --------------------------------------------------

    @transaction.atomic
    def build_seed(self, seed: SeedProposal, letter: bytes) -> Proposal:
        staff = self.refs.staff
        session = self.refs.sessions[data.SEED_SESSION]
        sponsor = self.refs.sponsors[(seed.sponsor, "party")]
        agency = self.refs.agencies_by_name[seed.lead_agency]
        officer = self.refs.officers[agency.pk]
        # The page gives the reply and publication moments; the earlier steps are placed
        # in the session's usual calendar, 交办 far enough back for a 3-month deadline.
        submitted = datetime(2025, 1, 8, 10, 30, tzinfo=SHANGHAI)
        proposal = self.step(
            submitted,
            proposal_services.create_proposal,
            session=session,
            number=seed.number,
            kind=ProposalKind.SUGGESTION if seed.kind_label == "建议" else ProposalKind.PROPOSAL,
            title=seed.title,
            body=seed.body,
            category=self.refs.categories["经济"],
            lead_sponsor=sponsor,
            submitted_at=submitted,
            by=staff,
        )
        self.step(
            datetime(2025, 2, 18, 15, 0, tzinfo=SHANGHAI),
            proposal_services.register_proposal,
            proposal,
            note="符合立案条件，予以立案。",
            by=staff,
        )
        assigned_at = datetime(2025, 3, 25, 10, 0, tzinfo=SHANGHAI)
        (assignment,) = self.step(
            assigned_at,
            response_services.assign_proposal,
            proposal,
            agencies=[(agency, Role.LEAD)],
            by=staff,
        )
        self.step(
            datetime(2025, 3, 27, 9, 20, tzinfo=SHANGHAI),
            response_services.accept_assignment,
            assignment,
            by=officer,
        )
        upload = SimpleUploadedFile(seed.attachment_name, letter, content_type="application/msword")
        reply = self.step(
            seed.replied_at + timedelta(minutes=8),
            response_services.file_reply,
            assignment,
            classification=seed.classification,
            replied_at=seed.replied_at,
            signer=self.refs.signers[agency.pk],
            contact=officer.display_name,
            contact_phone=officer.phone,
            is_public=True,
            upload=upload,
            by=officer,
        )
        self.step(
            seed.replied_at + timedelta(minutes=30),
            response_services.confirm_reply,
            reply,
            by=officer,
        )
        self.step(
            datetime(2025, 7, 8, 16, 5, tzinfo=SHANGHAI),
            response_services.record_feedback,
            reply,
            sponsor=sponsor,
            satisfaction=Satisfaction.SATISFIED,
            comment="答复认真具体，建议已在全市推进新型工业化工作中吸收采纳。",
            by=self.refs.sponsor_users.get(sponsor.pk) or staff,
        )
        self.step(
            datetime(2025, 7, 22, 11, 0, tzinfo=SHANGHAI),
            closing.close_proposal,
            proposal,
            by=staff,
        )
        self.step(seed.published_at, proposal_services.publish_proposal, proposal, by=staff)
        return proposal


def data_session(plan: Plan) -> data.SessionSpec:
    return next(s for s in data.SESSIONS if (s.term, s.meeting) == (plan.term, plan.meeting))
