"""Weegploeg sessions: the agenda, the votes, the unanimous decisions, information requests
and the decision records (docs/design.md §3 rules 4–7).

No personal data in `__str__` (django-auditlog copies it into the log unmasked).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from pga.authz import has_role, weegploegen_of
from pga.models import Partner, Role, Weegploeg, choice_label, text_within
from signals.models import Signal

# Maximum lengths of the free texts, in characters. A reasoning fits in ten thousand (some
# four pages), a vote's motivation in three thousand, a question in four thousand. A decision
# without a joint reasoning takes the three motivations, each after its partner's name (at
# most 200 characters): 3 × (3 000 + 202) + 2 fits in the reasoning's maximum. The bounds keep
# the decision record (a PDF made when the third vote is cast) quick to build.
REASONING_MAX_LENGTH = 10_000
MOTIVATION_MAX_LENGTH = 3_000
QUESTION_MAX_LENGTH = 4_000
CORRECTION_REASON_MAX_LENGTH = 2_000
OPENING_REASON_MAX_LENGTH = 500


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    OPEN = "open", _("Geopend")
    CLOSED = "closed", _("Gesloten")


class Outcome(models.TextChoices):
    CASUSOVERLEG = "casusoverleg", _("Casusoverleg")
    NO_CASUSOVERLEG = "no_casusoverleg", _("Geen casusoverleg")
    MORE_INFORMATION = "more_information", _("Nadere duiding")


class CaseParty(models.TextChoices):
    RAAD = "raad_kinderbescherming", _("Raad voor de Kinderbescherming")
    RECLASSERING = "reclassering", _("Reclassering")
    JEUGDBESCHERMING = "jeugdbescherming", _("Jeugdbescherming")
    ZORG = "zorg_ggz", _("Zorg / GGZ")
    SOCIAAL = "sociaal_domein", _("Sociaal domein")
    LSE = "lse", _("Landelijk Steunpunt Extremisme")
    OTHER = "other", _("Overig")


class Referral(models.TextChoices):
    NONE = "geen", _("Geen")
    CARE = "zorg_sociaal_domein", _("Zorg / sociaal domein")
    ZVH = "zorg_en_veiligheidshuis", _("Zorg- en Veiligheidshuis-route")
    CRIMINAL = "strafrechtelijk", _("Strafrechtelijk traject")


# The one scope of each object type of a session (docs/adr/0001): who may read it. Views
# and services get these objects through `visible_to`; another weegploeg's object does not
# exist for the user (404).


def _weegploeg_staff(user) -> bool:
    return has_role(user, Role.MEMBER, Role.COORDINATOR)


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions of the weegploegen the user's partner takes part in, for its members
        and procesregisseurs."""
        if not _weegploeg_staff(user):
            return self.none()
        return self.filter(weegploeg__in=weegploegen_of(user))


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agenda items of a signal whose dossier the user sees, for the members and
        procesregisseurs of its weegploeg. The rounds move with the dossier when it is
        transferred (rule 10): the receiving weegploeg sees them, the sending one no longer."""
        if not _weegploeg_staff(user):
            return self.none()
        return self.filter(signal__in=Signal.objects.visible_to(user, "signals.view_dossier"))


class ByItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Votes and decisions of a visible agenda item."""
        return self.filter(item__in=AgendaItem.objects.visible_to(user))


class DecisionRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Decision records of a visible decision."""
        return self.filter(decision__in=Decision.objects.visible_to(user))


class InformationRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Information requests on a signal whose dossier the user sees (as a member or
        procesregisseur of its weegploeg)."""
        if not _weegploeg_staff(user):
            return self.none()
        return self.filter(signal__in=Signal.objects.visible_to(user, "signals.view_dossier"))


class SessionExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """ZIP exports of a visible session."""
        return self.filter(session__in=Session.objects.visible_to(user))


class Session(models.Model):
    """A weegploegoverleg."""

    weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("weegploeg"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("datum en tijd"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices,
        default=SessionStatus.PLANNED, db_default=SessionStatus.PLANNED,
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("aanwezigen"), blank=True, related_name="+"
    )
    agenda_published_at = models.DateTimeField(_("agenda verstuurd op"), null=True, blank=True)
    opened_at = models.DateTimeField(_("geopend op"), null=True, blank=True)
    opening_reason = models.CharField(
        _("reden om op een andere dag te openen"), max_length=OPENING_REASON_MAX_LENGTH,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gepland door"), on_delete=models.PROTECT,
        related_name="+"
    )
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("weegploegoverleg")
        verbose_name_plural = _("weegploegoverleggen")
        ordering = ["-starts_at"]

    def __str__(self):
        return f"Overleg {self.pk}"

    @property
    def is_closed(self):
        return self.status == SessionStatus.CLOSED


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Besloten")
    NO_CONSENSUS = "no_consensus", _("Geen eensluidend oordeel")


class AgendaItem(models.Model):
    """A signal on a session's agenda: one voting round. A signal without a unanimous
    outcome comes back on a later agenda as a new item (the next round)."""

    session = models.ForeignKey(
        Session, verbose_name=_("overleg"), on_delete=models.CASCADE, related_name="items",
    )
    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    round = models.PositiveSmallIntegerField(_("ronde"), default=1)
    status = models.CharField(
        _("status"), max_length=15, choices=ItemStatus.choices, default=ItemStatus.OPEN,
        db_default=ItemStatus.OPEN,
    )
    escalate = models.BooleanField(
        _("escalatie naar de lokale driehoek"), default=False, db_default=False
    )
    # Prepared by the coordinator; copied into the decision when all three votes agree.
    joint_reasoning = models.TextField(
        _("gezamenlijke motivering"), blank=True, max_length=REASONING_MAX_LENGTH
    )
    invited_parties = ArrayField(
        models.CharField(max_length=30, choices=CaseParty.choices),
        verbose_name=_("uit te nodigen partijen"), default=list, blank=True,
    )
    other_party = models.CharField(_("andere partij"), max_length=200, blank=True)
    referral = models.CharField(
        _("doorverwijzing"), max_length=30, choices=Referral.choices, default=Referral.NONE
    )
    follow_up_on = models.DateField(_("datum opvolging"), null=True, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "signal"], name="item_signal_once"),
            models.UniqueConstraint(fields=["signal", "round"], name="item_one_per_round"),
            text_within("joint_reasoning", REASONING_MAX_LENGTH,
                        name="item_joint_reasoning_max_length"),
        ]

    def __str__(self):
        return f"Agendapunt {self.pk}"

    def get_status_display(self):  # each round on the signal page (`choice_label`)
        return choice_label(ItemStatus, self.status)


class Vote(models.Model):
    """One core partner's vote on an agenda item (one round). Changeable until the
    decision is taken."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agendapunt"), on_delete=models.CASCADE, related_name="votes",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+",
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("stemmer"), on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("stem"), max_length=20, choices=Outcome.choices)
    motivation = models.TextField(_("motivering"), max_length=MOTIVATION_MAX_LENGTH)
    cast_at = models.DateTimeField(_("gestemd op"), db_default=Now())

    objects = ByItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [
            # Rule 4: one vote per partner per agenda item (= per round).
            models.UniqueConstraint(fields=["item", "partner"], name="vote_one_per_partner"),
            models.CheckConstraint(name="vote_has_motivation", condition=~Q(motivation="")),
            text_within("motivation", MOTIVATION_MAX_LENGTH, name="vote_motivation_max_length"),
        ]

    def __str__(self):
        return f"Stem {self.pk}"


class ConsultationResult(models.TextChoices):
    """What a core partner found in its own systems (docs/design.md §3 rule 13)."""

    INFORMATION_ADDED = "information_added", _("Informatie ingebracht")
    NOTHING_KNOWN = "nothing_known", _("Niets bekend")
    CANNOT_SHARE = "cannot_share", _("Kan niet delen")


class IntegralStatement(models.Model):
    """Integrale weging (rule 13): a core partner states, per agenda item, that it consulted
    its own systems, and with which result. Only the result: what was found stays in the
    partner's own contributions, shielded where it must be. A partner votes only after its
    statement (`weegploeg.readiness.voter_refusal`)."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agendapunt"), on_delete=models.CASCADE,
        related_name="integral_statements",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+",
    )
    result = models.CharField(_("resultaat"), max_length=20, choices=ConsultationResult.choices)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        related_name="+",
    )
    stated_at = models.DateTimeField(_("vastgelegd op"), db_default=Now())

    objects = ByItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("verklaring integrale weging")
        verbose_name_plural = _("verklaringen integrale weging")
        ordering = ["stated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "partner"],
                                    name="integral_statement_one_per_partner"),
        ]

    def __str__(self):
        return f"Verklaring {self.pk}"


class Decision(models.Model):
    """A unanimous outcome (rule 4). Immutable: the database refuses updates (see the
    migration's trigger); a correction is a new decision that refers to this one."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="decisions",
    )
    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agendapunt"), on_delete=models.CASCADE,
        related_name="decisions",
    )
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices)
    reasoning = models.TextField(_("gezamenlijke motivering"), max_length=REASONING_MAX_LENGTH)
    invited_parties = ArrayField(
        models.CharField(max_length=30, choices=CaseParty.choices),
        verbose_name=_("uitgenodigde partijen"), default=list, blank=True
    )
    other_party = models.CharField(_("andere partij"), max_length=200, blank=True)
    referral = models.CharField(
        _("doorverwijzing"), max_length=30, choices=Referral.choices, blank=True,
    )
    follow_up_on = models.DateField(_("vervolgdatum"), null=True, blank=True)
    taken_at = models.DateTimeField(_("genomen op"), db_default=Now())
    corrects = models.OneToOneField(
        "self", verbose_name=_("corrigeert besluit"), on_delete=models.RESTRICT, null=True,
        blank=True, related_name="correction"
    )
    correction_reason = models.TextField(
        _("reden van de correctie"), blank=True, max_length=CORRECTION_REASON_MAX_LENGTH,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        related_name="+"
    )

    objects = ByItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["taken_at", "pk"]
        constraints = [
            # The first decision of an item is unique; corrections refer to it.
            models.UniqueConstraint(
                fields=["item"], condition=Q(corrects__isnull=True), name="decision_once_per_item"
            ),
            models.CheckConstraint(
                name="decision_casusoverleg_names_parties",
                condition=~Q(outcome=Outcome.CASUSOVERLEG) | ~Q(invited_parties=[]),
            ),
            models.CheckConstraint(
                name="decision_correction_has_reason",
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
            ),
            text_within("reasoning", REASONING_MAX_LENGTH, name="decision_reasoning_max_length"),
            text_within("correction_reason", CORRECTION_REASON_MAX_LENGTH,
                        name="decision_correction_reason_max_length"),
        ]

    def __str__(self):
        return f"Besluit {self.pk}"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "correction")

    def get_invited_parties_labels(self):
        return [CaseParty(p).label for p in self.invited_parties]


class DecisionRecord(models.Model):
    """The decision record PDF (PDF/A), stored with its SHA-256, never overwritten: a new
    rendering is a new version."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, related_name="records",
    )
    version = models.PositiveSmallIntegerField(_("versie"))
    file = models.FileField(_("bestand"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("grootte"))
    created_at = models.DateTimeField(_("gemaakt op"), db_default=Now())

    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("besluitverslag")
        verbose_name_plural = _("besluitverslagen")
        ordering = ["decision", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="record_version_once"),
        ]

    def __str__(self):
        return f"Besluitverslag {self.decision_id} v{self.version}"


class InformationRequest(models.Model):
    """Nadere duiding (rule 5): a question to a partner or an outside body, with a deadline.
    Answers become contributions on the signal."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE,
        related_name="information_requests"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="requests"
    )
    question = models.TextField(_("vraag"), max_length=QUESTION_MAX_LENGTH)
    assigned_partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    external_body = models.CharField(
        _("externe instantie"), max_length=200, blank=True,
        help_text=_("Als de vraag via de partner aan een externe instantie gaat."),
    )
    deadline = models.DateField(_("uiterste datum"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gevraagd door"), on_delete=models.PROTECT,
        related_name="+"
    )
    created_at = models.DateTimeField(_("gevraagd op"), db_default=Now())
    answer = models.OneToOneField(
        "signals.Contribution", verbose_name=_("antwoord"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("herinnering verstuurd op"), null=True, blank=True)
    overdue_notice_sent_on = models.DateField(
        _("verlopen-melding verstuurd op"), null=True, blank=True,
    )
    # Rule 13: the ground on which the partner is asked to share (empty only for requests
    # made before the rule).
    legal_ground = models.ForeignKey(
        "pga.LegalGround", verbose_name=_("grondslag"), on_delete=models.PROTECT, null=True,
        related_name="+",
    )

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("informatieverzoek")
        verbose_name_plural = _("informatieverzoeken")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["deadline"], name="request_deadline_idx",
                                condition=Q(answered_at__isnull=True))]
        constraints = [
            text_within("question", QUESTION_MAX_LENGTH, name="request_question_max_length"),
        ]

    def __str__(self):
        return f"Informatieverzoek {self.pk}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("In de wachtrij")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class SessionExport(models.Model):
    """A ZIP of all decision records of a session, built in the background."""

    session = models.ForeignKey(
        Session, verbose_name=_("overleg"), on_delete=models.CASCADE, related_name="exports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gevraagd door"), on_delete=models.PROTECT,
        related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING)
    done_count = models.PositiveIntegerField(_("aantal klaar"), default=0)
    total = models.PositiveIntegerField(_("totaal"), default=0)
    file = models.FileField(_("bestand"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("gevraagd op"), db_default=Now())

    objects = SessionExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export van een overleg")
        verbose_name_plural = _("exports van overleggen")

    def __str__(self):
        return f"Export {self.pk}"

    @property
    def is_done(self):
        return self.status == ExportStatus.DONE



# -- after the decision (docs/design.md §3 rule 12) ------------------------------------------

FOLLOW_UP_TEXT_MAX_LENGTH = 2_000
REWEIGHING_REASON_MAX_LENGTH = 2_000
DRIEHOEK_TEXT_MAX_LENGTH = 2_000


class AfterDecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Follow-ups, re-weighings and escalations of a signal whose dossier the user sees
        (as a member or procesregisseur of its weegploeg): they move with the dossier."""
        if not _weegploeg_staff(user):
            return self.none()
        return self.filter(signal__in=Signal.objects.visible_to(user, "signals.view_dossier"))


class FollowUpKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Opvolgdatum")
    REVIEW = "review", _("Herbeoordeling")
    REFERRAL = "referral", _("Controle doorverwijzing")


class ReferralResult(models.TextChoices):
    TAKEN_UP = "taken_up", _("Opgepakt")
    NOT_TAKEN_UP = "not_taken_up", _("Niet opgepakt")


class FollowUp(models.Model):
    """A date on which the procesregisseur looks at a decided case again: the decision's
    follow-up date, a review after the configured months, or the check of an onward
    referral. Open (on the work list) until the procesregisseur records what was checked,
    the result and, if any, the next date."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="follow_ups",
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, related_name="follow_ups",
    )
    kind = models.CharField(_("soort"), max_length=15, choices=FollowUpKind.choices)
    due_on = models.DateField(_("datum"))
    reminded_on = models.DateField(_("herinnering verstuurd op"), null=True, blank=True)
    checked = models.TextField(_("wat is nagegaan"), blank=True,
                               max_length=FOLLOW_UP_TEXT_MAX_LENGTH)
    result = models.TextField(_("resultaat"), blank=True, max_length=FOLLOW_UP_TEXT_MAX_LENGTH)
    referral_result = models.CharField(
        _("doorverwijzing"), max_length=15, choices=ReferralResult.choices, blank=True,
    )
    taken_up_by = models.CharField(_("opgepakt door"), max_length=200, blank=True)
    next_on = models.DateField(_("volgende datum"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("vastgelegd op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    objects = AfterDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("opvolging")
        verbose_name_plural = _("opvolgingen")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="follow_up_open_due_idx",
                                condition=Q(recorded_at__isnull=True))]
        constraints = [
            models.CheckConstraint(
                name="follow_up_recorded_says_what",
                condition=Q(recorded_at__isnull=True) | (~Q(checked="") & ~Q(result="")),
            ),
            models.CheckConstraint(
                name="follow_up_referral_has_result",
                condition=(~Q(kind=FollowUpKind.REFERRAL) | Q(recorded_at__isnull=True)
                           | ~Q(referral_result="")),
            ),
            text_within("checked", FOLLOW_UP_TEXT_MAX_LENGTH, name="follow_up_checked_max_length"),
            text_within("result", FOLLOW_UP_TEXT_MAX_LENGTH, name="follow_up_result_max_length"),
        ]

    def __str__(self):
        return f"Opvolging {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.recorded_at is None


class ReweighingReason(models.TextChoices):
    NEW_INFORMATION = "new_information", _("Nieuwe informatie")
    REVIEW = "review", _("Herbeoordelingsdatum")
    MOVED = "moved", _("Verhuisd")


class Reweighing(models.Model):
    """A decided case put back in preparation for a new weighing (a new round with its own
    votes and decision); the earlier decision stays as history and the new one refers to
    it through this row."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="reweighings",
    )
    earlier_decision = models.ForeignKey(
        Decision, verbose_name=_("eerder besluit"), on_delete=models.CASCADE, related_name="+",
    )
    reason_kind = models.CharField(_("aanleiding"), max_length=20,
                                   choices=ReweighingReason.choices)
    reason = models.TextField(_("reden"), max_length=REWEIGHING_REASON_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("aangevraagd door"), on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), db_default=Now())
    # The decision of the new weighing, once its round ends in casusoverleg or geen
    # casusoverleg.
    decision = models.OneToOneField(
        Decision, verbose_name=_("nieuw besluit"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="reweighing",
    )

    objects = AfterDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("herweging")
        verbose_name_plural = _("herwegingen")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(name="reweighing_has_reason", condition=~Q(reason="")),
            # One re-weighing at a time per signal.
            models.UniqueConstraint(fields=["signal"], condition=Q(decision__isnull=True),
                                    name="reweighing_one_open"),
            text_within("reason", REWEIGHING_REASON_MAX_LENGTH,
                        name="reweighing_reason_max_length"),
        ]

    def __str__(self):
        return f"Herweging {self.pk}"


class DriehoekOutcome(models.TextChoices):
    CASUSOVERLEG = "casusoverleg", _("Casusoverleg")
    NO_CASUSOVERLEG = "no_casusoverleg", _("Geen casusoverleg")


class Escalation(models.Model):
    """An agenda item flagged for the lokale driehoek (rule 4), sent on by the
    procesregisseur, and the driehoek's outcome once it is known."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="escalations",
    )
    item = models.OneToOneField(
        AgendaItem, verbose_name=_("agendapunt"), on_delete=models.CASCADE,
        related_name="escalation",
    )
    sent_on = models.DateField(_("doorgestuurd op"))
    sent_to = models.CharField(_("aan"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        related_name="+",
    )
    reminded_on = models.DateField(_("herinnering verstuurd op"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst driehoek"), max_length=20,
                               choices=DriehoekOutcome.choices, blank=True)
    outcome_on = models.DateField(_("datum uitkomst"), null=True, blank=True)
    outcome_text = models.TextField(_("besluit van de driehoek"), blank=True,
                                    max_length=DRIEHOEK_TEXT_MAX_LENGTH)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uitkomst vastgelegd door"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    objects = AfterDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalatie naar de lokale driehoek")
        verbose_name_plural = _("escalaties naar de lokale driehoek")
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="escalation_outcome_complete",
                condition=(Q(outcome="", outcome_on__isnull=True)
                           | (~Q(outcome="") & Q(outcome_on__isnull=False)
                              & ~Q(outcome_text=""))),
            ),
            text_within("outcome_text", DRIEHOEK_TEXT_MAX_LENGTH,
                        name="escalation_outcome_text_max_length"),
        ]

    def __str__(self):
        return f"Escalatie {self.pk}"
