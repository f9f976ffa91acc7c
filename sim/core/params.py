"""The parameter schema: every model parameter with its meaning, unit, default, range
and provenance.

This module is the single source of the parameter table (``docs/parameters.md`` is
generated from it by ``mutualaid params``) and of scenario validation (pydantic v2,
strict: unknown keys are rejected, values outside their range are rejected).

Provenance tags:
- ``literature``: a value taken from a cited source (named in the note);
- ``calibrated``: tuned so the baseline reproduces a pattern of docs/calibration
  targets (named in the note);
- ``assumed``: a modelling assumption, to be explored in sensitivity analysis.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo

NEED_TYPES = ("daily_living", "companionship", "health", "errands")
"""Need types, in the column order used by every (residents × 4) array.

daily_living 生活照料, companionship 精神慰藉, health 健康, errands 代办/数字."""

SETTINGS = ("new_estate", "old_estate", "rural_village", "custom")


def param(
    default: Any,
    description: str,
    *,
    unit: str = "-",
    provenance: str = "assumed",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
) -> Any:
    """A schema field carrying the metadata the parameter table needs."""
    return Field(
        default,
        description=description,
        ge=ge,
        le=le,
        gt=gt,
        lt=lt,
        json_schema_extra={"unit": unit, "provenance": provenance},
    )


def prob(default: float, description: str, **kw: Any) -> Any:
    """A probability or share in [0, 1]."""
    return param(default, description, ge=0.0, le=1.0, **kw)


class Block(BaseModel):
    """Base for every scenario block: strict, unknown keys rejected, and every number
    finite. TOML can spell ``inf`` and ``nan``; an infinite cost or grant would turn
    the budget's arithmetic into ``nan`` and results files into invalid JSON, and no
    parameter means "unlimited" by infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True, allow_inf_nan=False)


class Simulation(Block):
    weeks: int = param(
        520,
        "Recorded horizon (after burn-in)",
        unit="weeks",
        ge=1,
        le=5200,
        provenance="assumed: 10 years, model.md §2",
    )
    burn_in_weeks: int = param(
        208,
        "Weeks simulated before recording starts, so the initial network and motives settle",
        unit="weeks",
        ge=0,
        le=1040,
        provenance="measured: awareness diffusion from the initial state settles by about week 200 (docs/odd.md §5)",
    )
    seed: int = param(1, "Root random seed of the run", ge=0, provenance="-")
    clustering_interval: int = param(
        4,
        "Weeks between recomputations of the clustering coefficient (carried forward in between)",
        unit="weeks",
        ge=1,
        le=520,
        provenance="-",
    )
    clustering_sample: int = param(
        2000,
        "Residents sampled (with an observation-only random stream) to estimate the clustering coefficient; exact when the community is smaller",
        unit="residents",
        ge=10,
        provenance="-",
    )


class Community(Block):
    setting: Literal["new_estate", "old_estate", "rural_village", "custom"] = Field(
        "custom",
        description="Kind of community: new commodity-housing estate, old estate, rural village (labels only; the parameters carry the differences)",
    )
    residents: int = param(
        1000,
        "Dwellings (one older resident each) in the community (set by residents_file when given)",
        unit="residents",
        ge=1,
        le=2_000_000,
        provenance="assumed: model.md §2",
    )
    residents_file: str | None = Field(
        None,
        description="CSV table of the community's own residents from a survey (path relative to the scenario file; see docs/survey-data.md)",
    )
    edges_file: str | None = Field(
        None, description="CSV edge list of ties between the surveyed residents (path relative to the scenario file)"
    )
    age_share_60_69: float = prob(
        0.56,
        "Share of residents aged 60-69 at initialization and among newcomers",
        provenance="literature: China 7th census 2020, 60+ age structure (≈56/30/14)",
    )
    age_share_70_79: float = prob(0.30, "Share aged 70-79", provenance="literature: China 7th census 2020")
    age_share_80_plus: float = prob(0.14, "Share aged 80-99", provenance="literature: China 7th census 2020")
    lives_alone_share: float = prob(
        0.20,
        "Share of residents living alone",
        provenance="literature: CHARLS/CLHLS living-alone share among 60+ ≈ 15-20%",
    )
    education_low: float = prob(
        0.55, "Share with low education (primary or less)", provenance="literature: 7th census, 60+ cohort"
    )
    education_high: float = prob(
        0.12,
        "Share with high education (senior high or more); the rest is middle",
        provenance="literature: 7th census, 60+ cohort",
    )
    dwellings_per_building: int = param(
        24, "Dwellings per building (neighbour ties form within buildings)", unit="dwellings", ge=1, le=1000
    )
    buildings_per_block: int = param(
        8, "Buildings per block (friendship ties form mostly within blocks)", unit="buildings", ge=1, le=1000
    )
    infrastructure: float = prob(
        0.4,
        "Level of activity space and ageing-friendly facilities 活动中心/适老化 (raises activity access for the frail)",
        provenance="assumed: [@socialcapital_mutualaid, §3.3.2, §4.3]",
    )
    family_support: float = prob(
        0.45, "Share of a co-resident older adult's need covered by family", provenance="assumed"
    )
    family_support_alone: float = prob(
        0.15, "Share of need covered by family for residents living alone", provenance="assumed"
    )
    formal_care: float = prob(
        0.20,
        "Share of the daily-living (ADL/IADL) need family leaves that formal (paid or insured) care meets, so that it never reaches mutual aid: the substitute level",
        provenance="assumed: explore 0-0.5; varied in the formal-care substitution pattern (targets.md)",
    )
    formal_care_substitution: bool = Field(
        True,
        description="Formal care substitutes for informal help with daily living (ADL/IADL): it meets a share formal_care of that need before mutual aid sees it [@bonsang2009]; off, formal care meets none of it",
    )
    formal_care_motivation: float = param(
        0.0,
        "Log-odds added to a helper's acceptance of a request per unit of formal_care: where formal care is available residents feel less needed and leave care to the services (crowding out, < 0) or feel supported in helping (crowding in, > 0); 0 switches the channel off",
        unit="log-odds",
        ge=-3,
        le=3,
        provenance="assumed: motivation crowding [@frey1997]; the sign is disputed — formal care complements informal care for skilled tasks and substitutes for it for unskilled ones [@bonsang2009]; explore -1 to 1",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Community:
        total = self.age_share_60_69 + self.age_share_70_79 + self.age_share_80_plus
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"age_share_60_69 + age_share_70_79 + age_share_80_plus must sum to 1 (they sum to {total:.4g})"
            )
        if self.education_low + self.education_high > 1.0 + 1e-9:
            raise ValueError("education_low + education_high must not exceed 1")
        if self.edges_file is not None and self.residents_file is None:
            raise ValueError("edges_file needs residents_file (the edges refer to the residents' ids)")
        return self


class Demography(Block):
    health_at_60: float = prob(
        0.701, "Age-expected latent health at 60", provenance="calibrated: disability prevalence by age (targets.md)"
    )
    health_slope: float = param(
        0.0034,
        "Linear decline of age-expected health per year over 60",
        unit="1/year",
        ge=0,
        le=0.1,
        provenance="calibrated: disability prevalence by age",
    )
    health_curvature: float = param(
        0.0002,
        "Quadratic decline of age-expected health per year² over 60",
        unit="1/year²",
        ge=0,
        le=0.01,
        provenance="calibrated: disability prevalence by age",
    )
    frailty_sd: float = param(
        0.17,
        "Stationary SD of a resident's persistent deviation from age-expected health",
        ge=0,
        le=1,
        provenance="calibrated: disability prevalence by age",
    )
    frailty_persistence: float = param(
        0.995, "Weekly autocorrelation of the health deviation (AR(1))", ge=0, lt=1, provenance="assumed"
    )
    shock_rate_at_60: float = param(
        0.06,
        "Annual probability of an acute health shock (fall, stroke, illness) at 60",
        unit="1/year",
        ge=0,
        le=5,
        provenance="assumed",
    )
    shock_rate_doubling: float = param(10.0, "Years over which the shock rate doubles", unit="years", gt=0, le=100)
    shock_size_min: float = prob(0.10, "Smallest acute health loss of a shock")
    shock_size_max: float = prob(0.40, "Largest acute health loss of a shock")
    shock_recovery: float = prob(
        0.06, "Share of the acute deficit recovered each week (partial recovery)", unit="1/week"
    )
    shock_permanent: float = prob(
        0.25, "Share of a shock that is never recovered (moves into the persistent deviation)"
    )
    iadl_threshold: float = prob(
        0.45,
        "Health below which a resident is IADL-limited (disabled in the calibration sense)",
        provenance="assumed: a point on the latent health scale; the health parameters are calibrated around it",
    )
    adl_threshold: float = prob(0.25, "Health below which a resident is ADL-disabled")
    mortality_at_60: float = param(
        0.0065,
        "Annual mortality at 60 at age-expected health (Gompertz level)",
        unit="1/year",
        ge=0,
        le=1,
        provenance="literature: China life tables 2020, q(60)≈0.6%",
    )
    mortality_gompertz: float = param(
        0.095,
        "Gompertz slope of mortality in age",
        unit="1/year",
        ge=0,
        le=0.5,
        provenance="literature: typical human Gompertz slope 0.08-0.11",
    )
    mortality_frailty: float = param(
        5.0, "Log-hazard increase per unit of health below age-expected", ge=0, le=50, provenance="assumed"
    )
    max_age: float = param(105.0, "Age at which a resident is removed", unit="years", ge=70, le=120)
    move_out_rate: float = param(
        0.03,
        "Annual probability of moving out (urban mobility)",
        unit="1/year",
        ge=0,
        le=1,
        provenance="assumed: [@socialcapital_mutualaid, §3.1.1] (high mobility in urban estates)",
    )
    institution_rate: float = param(
        0.08,
        "Extra annual probability that an ADL-disabled resident living alone moves to an institution",
        unit="1/year",
        ge=0,
        le=1,
    )
    vacancy_fill_rate: float = prob(
        0.10, "Weekly probability that a vacant dwelling receives a newcomer", unit="1/week"
    )


class Needs(Block):
    daily_living_iadl: float = param(
        4.0, "Weekly daily-living need of an IADL-limited resident", unit="hours/week", ge=0, le=168
    )
    daily_living_adl: float = param(
        12.0, "Weekly daily-living need of an ADL-disabled resident", unit="hours/week", ge=0, le=168
    )
    companionship: float = param(
        3.0,
        "Weekly companionship need of a lonely resident (loneliness above motives.lonely_threshold) at full loneliness",
        unit="hours/week",
        ge=0,
        le=168,
    )
    health_support: float = param(
        2.0,
        "Weekly health-support need at zero health (scaled by 1 - health), while health is below health_need_below or during an acute episode",
        unit="hours/week",
        ge=0,
        le=168,
    )
    health_need_below: float = prob(
        0.5,
        "Health below which a resident needs health support every week (chronic need)",
        provenance="assumed: chronic need begins a little above IADL limitation (0.45); with the other conditions 45-55 % of residents need something in a week, the 30-50 % band assumed for a weekly survey question; explore 0.45-0.6",
    )
    acute_need_above: float = param(
        0.05,
        "Acute deficit (recoverable part of recent health shocks) above which a resident needs health support this week (an acute episode)",
        ge=0,
        le=1,
        provenance="assumed: an episode lasts while the deficit exceeds a noticeable drop in health; explore 0.02-0.1",
    )
    errands: float = param(
        1.5,
        "Weekly errands/digital need at zero digital literacy and full limitation, for residents with low digital literacy or limited mobility",
        unit="hours/week",
        ge=0,
        le=168,
    )
    errands_literacy_below: float = prob(
        0.3,
        "Digital literacy below which a resident with limited mobility needs help with errands and digital tasks (the IADL-limited always do)",
        provenance="assumed: older adults who cannot use a smartphone unaided; explore 0.1-0.5",
    )
    errands_mobility_below: float = prob(
        0.5,
        "Health below which mobility is limited enough that a resident who cannot do a task online needs it done for them",
        provenance="assumed: a little above IADL limitation (0.45); explore 0.45-0.7",
    )
    backlog_carryover: float = prob(
        0.5, "Share of unmet need that carries over to the next week (the rest is lost unmet)"
    )
    min_request_hours: float = param(0.25, "Smallest backlog worth a request", unit="hours", ge=0, le=24)


class Helping(Block):
    max_capacity: float = param(
        6.0,
        "Weekly hours a fully healthy young-old resident with no family duties can give",
        unit="hours/week",
        ge=0,
        le=168,
        provenance="assumed; hours per active member is an output (targets.md)",
    )
    family_duty_mean: float = prob(0.3, "Mean share of capacity taken by family duties (grandchildren, spouse)")
    capacity_age_decline: float = param(0.03, "Share of capacity lost per year over 70", unit="1/year", ge=0, le=1)
    skill_alpha: float = param(
        4.0,
        "Beta(α, β) of hidden skill per need type: α",
        gt=0,
        le=100,
        provenance="assumed: [@socialcapital_mutualaid, §3.1.2] information asymmetry",
    )
    skill_beta: float = param(1.5, "Beta(α, β) of hidden skill: β", gt=0, le=100)
    ask_intercept: float = param(
        -0.5, "Log-odds of asking for help at zero trust and zero expected success", unit="log-odds", ge=-20, le=20
    )
    ask_trust: float = param(
        2.0,
        "Log-odds per unit generalized trust when deciding to ask",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.1]: social trust lowers older people's uncertainty and sense of "
        "risk about mutual aid and makes them take part more readily (sign; the paper speaks of taking part, asking "
        "is one side of it); assumed magnitude, explore 0–4",
    )
    ask_expected_success: float = param(
        1.5,
        "Log-odds per unit expected success of own past requests",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.1]: successful mutual-aid experience builds a positive "
        "expectation that sustains the will to take part; §3.1.2: doubt about the service lowers participation "
        "(sign; here the resident's own record of requests met); assumed magnitude, explore 0–3",
    )
    reluctance_mean: float = prob(
        0.3,
        "Mean reluctance to ask (面子), in [0, 1]",
        provenance="assumed: neither seed paper mentions reluctance to ask (面子) and no other work in "
        "docs/references.bib is cited for it; explore 0–0.6",
    )
    ask_reluctance: float = param(
        3.0,
        "Log-odds of asking lost per unit of reluctance",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: neither seed paper mentions reluctance to ask and no other work in "
        "docs/references.bib is cited for it; reluctance is the personal cost of asking (面子, losing face by "
        "needing help), so it can only lower asking (sign); explore 0–6",
    )
    rounds: int = param(4, "Matching rounds per week", ge=1, le=20)
    coordinator_reach: float = prob(
        0.3,
        "Probability that the community's part-time coordinator relays a request with no tie to ask to a random available member of the same block",
        provenance="assumed: community workers run schemes alongside other duties (cf. [@socialcapital_mutualaid, §3.2.1, §4])",
    )
    accept_intercept: float = param(
        -0.5,
        "Log-odds of accepting a request added to the helper's disposition (the willingness logit) "
        "when every situational term is zero",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="assumed: kept at its v0.2 value so acceptance stays near its earlier level; participation is "
        "tuned through participation.willingness_intercept, the disposition both decisions share; explore −2 to 1",
    )
    accept_trust: float = param(
        2.5,
        "Log-odds per unit of particularized trust in the requester above the helper's generalized trust "
        "(0 without a tie: generalized trust enters once, through the disposition)",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.1, §3.1.1]: trust from repeated interaction lowers the "
        "perceived risk of helping (sign); assumed magnitude, explore 0–5",
    )
    accept_obligation: float = param(
        2.0,
        "Log-odds per unit reciprocity obligation 1 − exp(−owed/obligation_scale) towards the requester",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.2]: the reciprocity norm obliges one to return help (sign); "
        "assumed magnitude, explore 0–4",
    )
    accept_cost: float = param(
        0.15,
        "Log-odds lost per hour the request would take of the helper (hours asked, at most the helper's capacity left)",
        unit="log-odds/hour",
        ge=0,
        le=20,
        provenance="assumed: the seed papers do not treat it and no other work in docs/references.bib is cited "
        "for it; a longer request takes more of the helper's limited week (sign); explore 0–0.5",
    )
    accept_frailty: float = param(
        2.0,
        "Log-odds lost per unit of own poor health (1 - health)",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: the seed papers do not treat it and no other work in docs/references.bib is cited "
        "for it; helping is physical work, harder in poor health beyond the capacity health already sets (sign); "
        "explore 0–4",
    )
    accept_bad_reputation: float = param(
        3.0,
        "Log-odds lost per unit of the requester's known bad-reputation share",
        unit="log-odds",
        ge=0,
        le=50,
        provenance="[@socialcapital_mutualaid, §3.1.2]: known misconduct breeds distrust (sign); "
        "assumed magnitude, explore 0–6",
    )
    obligation_scale: float = param(
        4.0, "Hours owed at which the obligation term reaches 1 - e⁻¹", unit="hours", gt=0, le=1000
    )
    free_ride_balance: float = param(
        2.0,
        "Hours owed to the requester beyond which declining while able counts as free riding",
        unit="hours",
        ge=0,
        le=1000,
    )
    dispute_on_failure: float = prob(
        0.25,
        "Probability that a failed service becomes a dispute",
        provenance="assumed: [@socialcapital_mutualaid, §3.2]",
    )


class Trust(Block):
    initial_generalized_mean: float = prob(
        0.45,
        "Mean initial generalized trust 社会信任",
        provenance="assumed: CGSS generalized trust in neighbours is moderate",
    )
    initial_generalized_sd: float = param(0.15, "SD of initial generalized trust", ge=0, le=1)
    experience_rate: float = prob(
        0.08, "Weight of one exchange outcome in generalized trust (drift toward recent experience)"
    )
    sanction_signal: float = prob(
        0.1,
        "Rise of generalized trust (share of the gap to 1) per sanctioned violation a resident witnesses "
        "(as its victim; one heard of from a tie counts `hearsay_weight` as much)",
        provenance="assumed: visible enforcement sustains cooperation [@axelrod1986]; explore 0.02-0.3",
    )
    violation_signal: float = prob(
        0.2,
        "Fall of generalized trust (share of its level) per unpunished violation a resident witnesses "
        "(as its victim; one heard of from a tie counts `hearsay_weight` as much)",
        provenance="assumed: unpunished opportunism erodes trust [@socialcapital_mutualaid, §3.2.1]; explore 0.05-0.5",
    )
    hearsay_weight: float = prob(
        0.5,
        "Weight of an outcome or violation heard of from a tie, relative to one's own experience of it",
        provenance="assumed: word of mouth carries local trust [@socialcapital_mutualaid, §2.2.2], second-hand "
        "counts less than first-hand; explore 0.1-1",
    )
    ratings_weight: float = prob(
        0.02,
        "Weight with which the week's share of good public ratings moves a platform user's generalized trust "
        "(only while the platform shows public feedback)",
        provenance="assumed: public feedback reduces information asymmetry [@socialcapital_mutualaid, §4.1]; "
        "explore 0-0.1",
    )
    forgetting: float = param(
        0.99,
        "Weekly retention λ of Beta-reputation counts (forgetting)",
        gt=0,
        le=1,
        provenance="literature: Jøsang & Ismail 2002, Beta reputation with forgetting",
    )
    gossip_rate: float = prob(
        0.15,
        "Probability that a feedback event is passed on along one of the rater's ties (gossip reach)",
        provenance="assumed: [@socialcapital_mutualaid, §2.2.2] informal social exclusion",
    )
    new_tie_trust_weight: float = param(
        2.0, "Pseudo-observations of generalized trust seeding the particularized trust of a new tie", ge=0, le=100
    )


class Norms(Block):
    initial_authority: float = prob(
        0.4,
        "Prior norm authority 规范权威: the perceived probability that a violation is sanctioned, "
        "held by a resident who has witnessed none",
    )
    authority_prior_weight: float = param(
        4.0,
        "Pseudo-observations behind the prior norm authority (how many witnessed violations it is worth)",
        unit="violations",
        gt=0,
        le=1000,
        provenance="assumed: a weak prior that a few witnessed cases can move; explore 1-20",
    )
    witness_forgetting: float = param(
        0.98,
        "Weekly retention of the counts of witnessed sanctioned and unpunished violations",
        unit="1/week",
        gt=0,
        le=1,
        provenance="assumed: memory of cases fades over about a year (half-life 34 weeks); explore 0.9-1",
    )
    initial_internalization_mean: float = prob(0.5, "Mean initial reciprocity-norm internalization 互惠规范")
    internalization_rate: float = prob(
        0.02, "Speed at which internalization moves toward authority and observed reciprocity", unit="1/week"
    )
    authority_weight: float = prob(
        0.5, "Weight of norm authority (vs observed reciprocity) in the internalization target"
    )
    informal_detection: float = prob(
        0.15,
        "Probability an informal violation is noticed and sanctioned by gossip and exclusion",
        provenance="assumed: [@socialcapital_mutualaid, §3.2.1] (part-time staff, weak supervision)",
    )
    sanction_reputation: float = param(
        1.0, "Bad-feedback count added to an offender's public reputation per sanction", unit="reports", ge=0, le=100
    )
    informal_tie_cut: float = prob(
        0.5, "Probability that an informally sanctioned violation cuts the victim's tie to the offender"
    )
    shirk_rate: float = prob(
        0.1,
        "Probability that a helper with no reciprocity-norm internalization shirks a service they took on "
        "(scaled by 1 − internalization); a shirked service fails whatever the skill and is a violation",
        provenance="assumed: opportunism and free riding where norms are weakly held "
        "[@socialcapital_mutualaid, §2.2.2, §3.1.2]; explore 0-0.3",
    )
    mode_interval: int = param(
        104,
        "Weeks between the appearance of new service modes (online companionship, smart devices, telehealth)",
        unit="weeks",
        ge=1,
        le=10000,
        provenance="assumed: [@socialcapital_mutualaid, §3.2.2]",
    )
    max_modes: int = param(3, "Number of new service modes that appear over the run", ge=0, le=20)
    mode_uptake: float = prob(0.3, "Share of requests of the mode's need type made through a new mode once it exists")
    unregulated_dispute_factor: float = param(
        2.5,
        "Multiplier of failure-to-dispute risk in unregulated modes",
        ge=1,
        le=100,
        provenance="assumed: [@socialcapital_mutualaid, §3.2.2]",
    )
    unregulated_uptake_factor: float = prob(0.5, "Uptake multiplier while a mode is unregulated")
    informal_regulation_weeks: int = param(
        520, "Weeks after which an unreviewed mode becomes regulated by custom alone", unit="weeks", ge=1, le=100000
    )


class Motives(Block):
    initial_self_worth_mean: float = prob(0.45, "Mean initial self-worth 自我价值 (sense of being needed)")
    self_worth_gain: float = prob(0.12, "Share of the gap to 1 closed by one successful help given")
    self_worth_decay: float = prob(0.01, "Weekly decay of self-worth toward its floor (role loss)", unit="1/week")
    self_worth_floor: float = prob(0.3, "Self-worth that other roles sustain without helping")
    loneliness_rise: float = prob(
        0.055,
        "Weekly rise of loneliness toward 1 with no contact",
        unit="1/week",
        provenance="calibrated: loneliness ≈ 30% (targets.md)",
    )
    loneliness_relief: float = param(
        0.1,
        "Weekly fall of loneliness per unit of contact (contacts with one's ties this week plus interactions)",
        unit="1/week",
        ge=0,
        le=1,
        provenance="calibrated: loneliness ≈ 30%",
    )
    lonely_threshold: float = prob(0.5, "Loneliness above which a resident counts as lonely")
    belonging_gain: float = prob(
        0.05, "Share of the gap to 1 closed by one belonging event (activity, successful exchange)"
    )
    belonging_decay: float = prob(0.01, "Weekly relative decay of belonging", unit="1/week")
    belonging_contact_weight: float = param(
        0.25, "Belonging events per unit of everyday contact with one's ties", ge=0, le=10
    )
    belonging_per_activity: float = param(
        1.0,
        "Belonging events from attending a community activity, on top of the contact it brings (taking part in "
        "the community's group life)",
        ge=0,
        le=10,
        provenance="[@liu2025, §2.3 (3)]: taking part in community activities strengthens older people's sense "
        "of belonging (sign); assumed magnitude (as one successful exchange), explore 0-2",
    )
    self_worth_per_recognition: float = param(
        1.0,
        "Self-worth events from being publicly recognised for a help given (the resident's response to an "
        "incentives scheme's recognition)",
        ge=0,
        le=10,
        provenance="[@liu2025, §3.2.2]: value incentives give role identity and a sense of achievement (sign); "
        "assumed magnitude (as the help itself), explore 0-2",
    )
    initial_belonging_mean: float = prob(0.4, "Mean initial belonging 社会归属感")
    initial_loneliness_mean: float = prob(
        0.35,
        "Mean initial loneliness (normal, SD initial_loneliness_sd, clipped to [0, 1]); the burn-in lets it settle",
    )
    initial_loneliness_sd: float = param(0.2, "SD of initial loneliness", ge=0, le=1)


class Participation(Block):
    initial_aware: float = prob(0.3, "Share aware of the scheme at start")
    initial_member_share: float = prob(0.25, "Share of aware and willing residents who are members at start")
    awareness_base: float = param(
        0.002, "Weekly probability of becoming aware from community notices", unit="1/week", ge=0, le=1
    )
    awareness_per_member_tie: float = prob(
        0.02, "Weekly probability of hearing of the scheme from each tie who is a member", unit="1/week"
    )
    willingness_intercept: float = param(
        -3.75,
        "Log-odds of stated willingness at zero for every factor (also the base of the helper's disposition "
        "in acceptance)",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="calibrated: actual participation ≈ 30% (band 20–40%, [@rs4898207]); stated willingness "
        "itself is an output (targets.md); explore −4.5 to −2",
    )
    propensity_sd: float = param(
        2.0,
        "SD across residents of a lasting personal propensity to volunteer, added to the disposition",
        unit="log-odds",
        ge=0,
        le=5,
        provenance="calibrated: the active share of every setting, not only the defaults, in band "
        "(docs/calibration.md); [@wilson2000]: volunteering is concentrated in people with a lasting inclination "
        "(personal traits, values, a volunteering history) beyond their circumstances; explore 0–3",
    )
    willingness_trust: float = param(
        2.5,
        "Log-odds per unit generalized trust",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.1]: trust lowers the perceived risk of mutual aid (sign); "
        "assumed magnitude, explore 0–5; which trust goes with willingness is an output (targets.md)",
    )
    willingness_norm: float = param(
        1.0,
        "Log-odds per unit norm internalization",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@socialcapital_mutualaid, §2.2.2]: an internalized reciprocity norm makes helping a duty "
        "(sign); assumed magnitude, explore 0–3",
    )
    willingness_self_worth: float = param(
        1.0,
        "Log-odds per unit self-worth motive",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@liu2025, §2.3 (1)]: self-actualization motive (sign); assumed magnitude, explore 0–3",
    )
    willingness_loneliness: float = param(
        1.0,
        "Log-odds per unit loneliness (emotional-connection motive)",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@liu2025, §2.3 (2)]: emotional-connection motive (sign); assumed magnitude, explore 0–3",
    )
    willingness_standing: float = param(
        4.0,
        "Log-odds per unit of the expected answer rate S the resident knows of, above the no-information prior "
        "0.5 (conditional cooperation; in the disposition, so in willingness and in acceptance)",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@fischbacher2001]: most people contribute as far as they believe others do (sign); "
        "[@socialcapital_mutualaid, §3.1.2]: a trust crisis spread by word of mouth makes schemes wither; "
        "assumed magnitude, explore 0–8 (docs/tipping.md measures 0 and the default)",
    )
    willingness_belonging: float = param(
        1.5,
        "Log-odds per unit belonging",
        unit="log-odds",
        ge=-20,
        le=20,
        provenance="[@liu2025, §2.3 (3)]: social-belonging motive (sign); assumed magnitude, explore 0–3",
    )
    willing_threshold: float = prob(0.5, "Willingness at or above which a resident states they are willing")
    join_rate: float = prob(
        0.02,
        "Weekly probability that an aware, willing non-member past the rejoin delay registers",
        unit="1/week",
        provenance="assumed: registering takes a visit to the coordinator; explore 0.005–0.1",
    )
    standing_memory: float = prob(
        0.98,
        "Weekly retention of what a resident knows of the scheme's record (answered and unanswered requests, "
        "own and heard of)",
        unit="1/week",
        provenance="assumed: a disappointment is remembered for months (half-life ≈ 34 weeks at 0.98); "
        "explore 0.9–0.995",
    )
    dissatisfaction_memory: float = prob(
        0.9,
        "Weekly retention of accumulated dissatisfaction",
        unit="1/week",
        provenance="assumed: no work in docs/references.bib is cited for how long a disappointment weighs on "
        "staying; half-life ≈ 6.6 weeks at 0.9; explore 0.8–0.97",
    )
    quit_threshold: float = param(
        4.0,
        "Dissatisfaction above which a member may quit (each week adds one for an unanswered request, one per "
        "violation suffered and, for a member, one for low belonging)",
        ge=0,
        le=1000,
        provenance="assumed threshold and unit weights, explore 2–8 (at memory 0.9 one event a week crosses 4 in "
        "the fifth week and never exceeds 10). Signs of the inputs: an unanswered request "
        "[@socialcapital_mutualaid, §2.2.1, §3.1.2] (trust grows with successful experience, and doubt about the "
        "service lowers participation); a violation suffered [@liu2025, §3.3.4] (distrust of the service's safety "
        "and fairness lowers willingness) and [@socialcapital_mutualaid, §3.2.1] (uncorrected violations harm "
        "those served); low belonging, see low_belonging",
    )
    low_belonging: float = prob(
        0.2,
        "Belonging below which a member's dissatisfaction grows by one a week",
        provenance="[@liu2025, §2.3 (3)]: social belonging is a motive for taking part, so a member who finds "
        "none has less reason to stay (sign); assumed threshold, explore 0.1–0.3",
    )
    quit_rate: float = prob(
        0.05,
        "Weekly probability that a dissatisfied member quits",
        unit="1/week",
        provenance="assumed: [@liu2025, §3.3.4] distrust in the service's fairness lowers participation (sign); "
        "explore 0.01–0.2",
    )
    rejoin_delay: int = param(
        26,
        "Weeks after quitting before a resident may rejoin (rejoining is joining after the delay)",
        unit="weeks",
        ge=0,
        le=10000,
        provenance="assumed: half a year before a disappointed member tries again; explore 0–104",
    )
    active_window: int = param(
        13,
        "Weeks after the last exchange (given or received) during which a resident counts as active",
        unit="weeks",
        ge=1,
        le=520,
        provenance="model.md §2 (13 weeks)",
    )


class Network(Block):
    neighbour_ties: float = param(
        3.5,
        "Mean neighbour ties per resident at start (within building)",
        unit="ties",
        ge=0,
        le=100,
        provenance="assumed: the starting network; under turnover the long-run ties are set by neighbour_meeting "
        "(3.5 or 4.5 give the same isolation over the run); explore 2–6",
    )
    friend_ties: float = param(
        3.5,
        "Mean friendship ties per resident at start (within block, homophilous)",
        unit="ties",
        ge=0,
        le=100,
        provenance="assumed: the starting network (see neighbour_ties); explore 2–6",
    )
    sociability_weight: float = param(
        1.0,
        "Exponent of sociability in tie-formation propensity",
        ge=0,
        le=10,
        provenance="[@socialcapital_mutualaid, §3.3.2]",
    )
    education_weight: float = param(
        0.3,
        "Tie-formation propensity gain per education level",
        ge=0,
        le=10,
        provenance="[@socialcapital_mutualaid, §3.3.2]",
    )
    frailty_weight: float = param(
        1.0,
        "Exponent of mobility (health) in tie-formation propensity",
        ge=0,
        le=10,
        provenance="[@socialcapital_mutualaid, §3.3.2]",
    )
    homophily: float = param(
        2.0,
        "Homophily h: a friend tie between residents at distance d (age per 20 years + education per 2 levels) forms with probability × exp(−h·d)",
        ge=0,
        le=50,
    )
    neighbour_meeting: float = prob(
        0.014,
        "Weekly base probability of forming a neighbour acquaintance in one's building, at zero infrastructure",
        unit="1/week",
        provenance="calibrated: social isolation ≈ 24% (targets.md); with turnover it, not the initial tie counts, "
        "sets the long-run number of ties",
    )
    public_space_gain: float = param(
        1.0,
        "Relative rise of neighbour meetings per unit of infrastructure level (squares, activity rooms: [@socialcapital_mutualaid, §4.3])",
        ge=0,
        le=10,
        provenance="assumed: [@socialcapital_mutualaid, §4.3]",
    )
    triadic_closure: float = prob(
        0.01, "Weekly base probability of being introduced to a tie's tie (and becoming acquainted)", unit="1/week"
    )
    decay_neighbour: float = param(
        0.004, "Weekly decay of a neighbour tie's strength without contact", unit="1/week", ge=0, le=1
    )
    decay_friend: float = param(
        0.008, "Weekly decay of a friendship tie's strength without contact", unit="1/week", ge=0, le=1
    )
    decay_acquaintance: float = param(
        0.07,
        "Weekly decay of an acquaintance tie's strength (formed by one exchange, a pairing, at an activity or by an introduction) without contact",
        unit="1/week",
        ge=0,
        le=1,
        provenance="[@burt2000; @roberts2011]: new, weak ties decay within months without contact; "
        "assumed: a tie formed at strength 0.3 falls below 0.05 in about 25 weeks; explore 0.03–0.15",
    )
    contact_boost: float = prob(0.15, "Share of the gap to 1 closed in tie strength by one contact")
    new_tie_strength: float = prob(0.3, "Strength of a newly formed tie")
    prune_strength: float = prob(0.05, "Ties weaker than this are dropped")
    prune_interval: int = param(4, "Weeks between prunings of weak ties", unit="weeks", ge=1, le=520)
    isolation_ties: int = param(
        2,
        "A resident with fewer ties of strength ≥ isolation_strength is socially isolated",
        unit="ties",
        ge=1,
        le=100,
        provenance="targets.md social isolation ≈ 24%",
    )
    isolation_strength: float = prob(
        0.35,
        "Tie strength that counts for the isolation measure; above new_tie_strength, so a tie counts once "
        "contact has kept it up, and forming a tie (a pairing, one exchange, one meeting) does not by "
        "itself end anyone's isolation",
        provenance="assumed: between new_tie_strength (0.3) and a new tie after one contact "
        "(0.3 + contact_boost·0.7 = 0.405); explore 0.31-0.5",
    )
    contact_rate: float = param(
        0.5,
        "Weekly probability of meeting a tie, per unit of its current strength (p = contact_rate·strength, "
        "scaled down when one's ties exceed one's contact budget)",
        unit="1/week",
        ge=0,
        le=10,
        provenance="calibrated: social isolation ≈ 24%, loneliness ≈ 30% (targets.md)",
    )
    contact_budget: float = param(
        6.0,
        "Summed tie strength a resident of average tie propensity has time to keep up; beyond it each tie is met less often",
        unit="strength",
        ge=0,
        le=100,
        provenance="assumed: [@dunbar2018] (time limits the relationships one maintains); explore 2–8",
    )


class Intervention(Block):
    """Fields every intervention block has: a switch, a schedule and a fixed cost."""

    enabled: bool = Field(False, description="Whether the intervention exists in this scenario")
    start_week: int = param(0, "First recorded week in which it runs", unit="week", ge=0, provenance="-")
    end_week: int | None = Field(
        None,
        ge=1,
        description="Week from which it no longer runs (none = to the end)",
        json_schema_extra={"unit": "week", "provenance": "-"},
    )
    weekly_cost: float = param(
        0.0, "Fixed running cost per week (staff, rent)", unit="yuan/week", ge=0, provenance="assumed"
    )
    setup_cost: float = param(0.0, "One-off cost in its first week", unit="yuan", ge=0, provenance="assumed")
    funded: bool = Field(
        True, description="Paid from the scheme's budget (stops when the budget runs out) when funding is enabled"
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Intervention:
        if self.end_week is not None and self.end_week <= self.start_week:
            raise ValueError(f"end_week ({self.end_week}) must be after start_week ({self.start_week})")
        return self


class Activities(Intervention):
    """组织社区活动: interest groups, lectures, festivals ([@socialcapital_mutualaid, §4.1, §4.3])."""

    weekly_cost: float = param(800.0, "Running cost per week (organiser, materials)", unit="yuan/week", ge=0)
    events_per_week: int = param(2, "Events held per week", unit="events/week", ge=0, le=100)
    capacity: int = param(
        30, "Places per event at zero infrastructure (scaled by 1 + infrastructure)", unit="people", ge=1, le=100000
    )
    attendance: float = prob(
        0.4,
        "Weekly probability that a fully mobile, fully belonging resident with full access wants to attend",
        unit="1/week",
        provenance="calibrated: in-silico activity-invitation trial in the band of targets.md [@hickin2021] "
        "(docs/trials.md); assumed plausible 0.1-0.5 (the most engaged attend every second or third week)",
    )
    attendance_floor: float = prob(
        0.3, "Share of the attendance propensity that does not depend on belonging (the rest scales with it)"
    )
    meetings: int = param(3, "Co-attendees each attendee talks with per event", ge=0, le=50)
    tie_formation: float = prob(
        0.08,
        "Probability that two co-attendees who talk and are not tied form a tie (× homophily)",
        provenance="assumed: [@socialcapital_mutualaid, §4.1]",
    )


class Platform(Intervention):
    """信息交互平台 with a feedback channel ([@socialcapital_mutualaid, §4.1]; [@liu2025, §3.2.4, §5.1])."""

    weekly_cost: float = param(500.0, "Running cost per week (hosting, staff)", unit="yuan/week", ge=0)
    setup_cost: float = param(20000.0, "Development and launch", unit="yuan", ge=0)
    literacy_threshold: float = prob(0.4, "Digital literacy from which a resident can use the platform unaided")
    assistance: float = prob(
        0.3, "Probability that a resident below the threshold gets staff help to use it in a week (digital assistance)"
    )
    candidates: int = param(5, "Available members the platform shows for a request", ge=1, le=1000)
    pre_service_info: bool = Field(
        True,
        description="Helpers' service records (public ratings) are shown, so requesters pick the best-rated candidate (reduces information asymmetry, [@socialcapital_mutualaid, §3.1.2])",
    )
    public_feedback: bool = Field(
        True,
        description="Ratings are public: every rating counts fully in reputation (otherwise only gossip spreads them)",
    )
    awareness: float = prob(
        0.02,
        "Weekly probability that a resident who can use the platform hears of the scheme through it",
        unit="1/week",
    )


class Supervision(Intervention):
    """专业监督机构: inspection, reporting rewards, sanctions ([@socialcapital_mutualaid, §4.2])."""

    weekly_cost: float = param(1500.0, "Staff cost per week", unit="yuan/week", ge=0)
    cases_per_week: int = param(
        5, "Violations the body can investigate per week (capacity)", unit="cases/week", ge=0, le=100000
    )
    report_rate: float = prob(0.3, "Probability that a victim reports a violation without a reward")
    reporting_reward: float = param(20.0, "Reward per confirmed report (paid from the budget)", unit="yuan", ge=0)
    reward_report_gain: float = param(0.01, "Rise in report probability per yuan of reward", unit="1/yuan", ge=0, le=1)
    detection: float = prob(0.8, "Probability that an investigated violation is confirmed and sanctioned")
    exclusion_weeks: int = param(8, "Weeks a sanctioned offender cannot ask or help", unit="weeks", ge=0, le=520)
    credit_fine: float = param(
        2.0, "Time-bank credits removed from a sanctioned offender (if a time bank runs)", unit="credits", ge=0
    )


class NormRevision(Intervention):
    """规范修订小组: reviews new service modes and brings them under the norms ([@socialcapital_mutualaid, §3.2.2, §4.2])."""

    weekly_cost: float = param(200.0, "Meeting and secretariat cost per week", unit="yuan/week", ge=0)
    review_interval: int = param(26, "Weeks between reviews", unit="weeks", ge=1, le=520)
    review_lag: int = param(
        8, "Weeks a new mode must have existed before a review can regulate it", unit="weeks", ge=0, le=520
    )


class Infrastructure(Intervention):
    """活动中心, 适老化改造: activity space and ageing-friendly retrofit ([@socialcapital_mutualaid, §4.3]; [@liu2025, §5.3])."""

    weekly_cost: float = param(300.0, "Maintenance per week", unit="yuan/week", ge=0)
    setup_cost: float = param(200000.0, "Construction and retrofit", unit="yuan", ge=0)
    level_increase: float = prob(0.4, "Rise in the infrastructure level (capped at 1)")


class TargetedSupport(Intervention):
    """一对一帮扶: outreach pairs isolated or vulnerable residents with volunteers ([@socialcapital_mutualaid, §4.3])."""

    weekly_cost: float = param(300.0, "Outreach worker cost per week", unit="yuan/week", ge=0)
    pairs_per_week: int = param(
        2,
        "New pairings the outreach team can make per week",
        unit="pairs/week",
        ge=0,
        le=100000,
        provenance="calibrated: in-silico one-to-one trial in the band of targets.md [@hickin2021] "
        "(docs/trials.md; 1 until round 4 of Model v2, when the stricter isolation threshold widened "
        "eligibility and left the trial at the band's edge); assumed plausible 1-3 for one outreach worker",
    )
    cost_per_pair: float = param(10.0, "Weekly support cost per active pairing", unit="yuan/week", ge=0)
    volunteer_min_hours: float = param(
        1.0, "Weekly capacity a member needs to volunteer for a pairing", unit="hours/week", ge=0, le=168
    )
    pair_weeks: int = param(
        13,
        "Weeks a pairing is supported with visits (the programme's length)",
        unit="weeks",
        ge=1,
        le=1040,
        provenance="calibrated: in-silico one-to-one trial in the band of targets.md [@hickin2021] "
        "(docs/trials.md); assumed plausible 13-52 (befriending programmes of a quarter to a year)",
    )
    visit_probability: float = prob(
        0.5,
        "Weekly probability that a supported pair meets (the dose: a visit is one contact)",
        unit="1/week",
        provenance="assumed: a befriending visit about every second week; explore 0.25-1",
    )


class TimeBank(Intervention):
    """时间银行/积分互助: hours given are banked as credits and spent when receiving ([@liu2025, §3.2.1-3.2.2])."""

    weekly_cost: float = param(300.0, "Bookkeeping cost per week", unit="yuan/week", ge=0)
    credit_per_hour: float = param(1.0, "Credits issued per hour given", unit="credits/hour", ge=0, le=100)
    storage_cap: float = param(
        200.0, "Most credits one resident can hold; credits above it expire", unit="credits", ge=0
    )
    guaranteed: bool = Field(
        False,
        description="Redemption is guaranteed: a credit holder's unmet need is bought from paid services at the community's cost",
    )
    redemption_price: float = param(25.0, "Cost of one guaranteed hour of paid service", unit="yuan/hour", ge=0)
    credit_weight: float = param(
        1.0,
        "Acceptance log-odds gained by a helper who fully expects to need help and fully believes credits will be honoured (the price a credit fetches)",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: time banking as deferred reciprocity [@liu2025, §3.2.1-3.2.2]; explore 0.25-2",
    )
    willingness_weight: float = param(
        0.5,
        "Stated-willingness log-odds gained by an aware resident who fully expects to need help and fully believes credits will be honoured",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: [@liu2025, §3.2.1-3.2.2]; explore 0.1-1",
    )
    anticipation_per_year: float = param(
        0.02,
        "Expected future need gained per year of age over 60, on top of 1 - health (a credit's worth to its holder grows with the need they expect)",
        unit="1/year",
        ge=0,
        le=1,
        provenance="assumed: a healthy 60-year-old expects little need, a frail 85-year-old much; explore 0-0.04",
    )
    credibility_prior: float = prob(
        0.5,
        "Credibility of credits when the bank opens, before any holder has tried to get help",
        provenance="assumed: residents doubt a new scheme's promise of future help; explore 0.3-0.8",
    )
    credibility_memory: float = prob(
        0.9,
        "Weekly retention in credibility, the smoothed share of credit holders' requests met (by members or by guaranteed redemption)",
        provenance="assumed: about ten weeks of experience; explore 0.8-0.97",
    )
    arrangement_rate: float = prob(
        0.5,
        "Probability that the bank's coordinator turns a successful exchange between a client and a helper who have "
        "no standing arrangement into one (the helper then serves that need of the client every week, "
        "model.md, ODD 7.18)",
        provenance="assumed: a coordination office that matches and schedules service is what community schemes "
        "lacking it miss [@liu2025, §3.3.2]; not tuned (0.3 to 1 give 32 to 36 hours a year per giver under a "
        "stably backed bank, in single-seed checks); 0 turns standing arrangements off; explore 0.1-1",
    )
    visit_hours: float = param(
        1.0,
        "Weekly capacity a helper needs for the coordinator to make them a standing arrangement (the length of a "
        "regular visit)",
        unit="hours/week",
        ge=0,
        le=168,
        provenance="assumed: a regular visit of one to two hours a week; explore 0.5-2",
    )


class Incentives(Intervention):
    """Material points, recognition, and crowding-out ([@liu2025, §3.2.2])."""

    weekly_cost: float = param(100.0, "Administration per week", unit="yuan/week", ge=0)
    points_per_hour: float = param(
        1.0, "Material points per hour given (exchangeable for goods)", unit="points/hour", ge=0, le=100
    )
    point_value: float = param(5.0, "Budget cost (and money value to the helper) of one point", unit="yuan/point", ge=0)
    max_pull: float = param(
        1.0,
        "Acceptance and willingness log-odds a fully paid reward of unbounded value would add (the saturation level)",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: small payments move volunteering little [@freygoette1999; @frey1997]; explore 0.25-1.5",
    )
    value_scale: float = param(
        10.0,
        "Reward value per hour at which the pull reaches 1 - 1/e (63 %) of max_pull",
        unit="yuan/hour",
        gt=0,
        le=10000,
        provenance="assumed: symbolic rewards well below a wage (local hourly pay ≈ 20-30 yuan); explore 5-30",
    )
    payment_prior: float = prob(
        0.8,
        "Share of earned points helpers expect to be paid when the scheme starts",
        provenance="assumed: a community promise is mostly but not wholly believed; explore 0.5-1",
    )
    payment_memory: float = prob(
        0.9,
        "Weekly retention in the learned share of points actually paid",
        provenance="assumed: about ten weeks of experience, as the time bank's credibility; explore 0.8-0.97",
    )
    recognition: float = prob(
        0.5,
        "Share of successful helps the scheme recognises publicly (emotional and value incentives); each "
        "recognition is worth motives.self_worth_per_recognition self-worth events to the helper",
        provenance="assumed: [@liu2025, §3.2.2] names recognition among emotional and value incentives; how many "
        "helps a scheme acknowledges (boards, meetings, certificates) is not reported; explore 0-1",
    )
    crowding_out: bool = Field(
        False,
        description="Switch the crowding-out hypothesis on: material rewards erode intrinsic (norm and self-worth) motivation",
    )
    crowding_strength: float = param(
        1.0,
        "Log-odds of pull lost at a saturated, fully paid reward per unit of the helper's intrinsic motive (crowding-out)",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: motivation crowding theory [@frey1997; @deci1971]; paid volunteers work fewer hours [@freygoette1999]; explore 0-2",
    )


class ProfessionalServices(Intervention):
    """医养结合, psychological support ([@liu2025, §3.2.3])."""

    weekly_cost: float = param(1000.0, "Fixed cost per week (clinic hours, counsellor)", unit="yuan/week", ge=0)
    health_cover: float = prob(0.3, "Share of residual health-support need met by professional services")
    health_hour_cost: float = param(30.0, "Cost per hour of professional health support", unit="yuan/hour", ge=0)
    psych_clients: int = param(
        12,
        "Loneliest residents receiving psychological support each week (the counsellor's caseload)",
        unit="residents",
        ge=0,
        le=100000,
        provenance="calibrated: in-silico psychological-support trial in the band of targets.md [@hickin2021] "
        "(docs/trials.md); assumed plausible 10-50 (one part-time to one full-time counsellor)",
    )
    sessions_per_week: float = param(
        1.0,
        "Counselling sessions each psychological-support client has per week (each one contact)",
        unit="sessions/week",
        ge=0,
        le=7,
        provenance="assumed: weekly sessions, the usual format of the psychological interventions for "
        "loneliness pooled by [@hickin2021] and [@masi2011]; explore 0.5-2",
    )


class Funding(Block):
    """Where the money comes from ([@liu2025, §3.3.1]: one-off or project grants vs stable finance)."""

    enabled: bool = Field(
        False, description="Budget-limit the funded interventions (otherwise their costs are only recorded)"
    )
    kind: Literal["stable", "project"] = Field(
        "stable", description="stable: a weekly income; project: a one-off grant that is spent down"
    )
    initial_balance: float = param(0.0, "Money in hand at week 0", unit="yuan", ge=0)
    weekly_income: float = param(5000.0, "Stable income per week (kind = stable)", unit="yuan/week", ge=0)
    grant: float = param(500000.0, "One-off project grant received at grant_week (kind = project)", unit="yuan", ge=0)
    grant_week: int = param(0, "Week the project grant arrives", unit="week", ge=0)


class Interventions(Block):
    """Governance interventions (model.md §4), each switchable and scheduled."""

    activities: Activities = Field(default_factory=Activities)
    platform: Platform = Field(default_factory=Platform)
    supervision: Supervision = Field(default_factory=Supervision)
    norm_revision: NormRevision = Field(default_factory=NormRevision)
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    targeted_support: TargetedSupport = Field(default_factory=TargetedSupport)
    time_bank: TimeBank = Field(default_factory=TimeBank)
    incentives: Incentives = Field(default_factory=Incentives)
    professional_services: ProfessionalServices = Field(default_factory=ProfessionalServices)
    funding: Funding = Field(default_factory=Funding)


class Shock(Block):
    """Fields every adverse event has: a switch and the recorded week from which it acts."""

    enabled: bool = Field(False, description="Whether the adverse event happens in this scenario")
    week: int = param(
        156,
        "Recorded week from which the adverse event acts (after the scheme is established)",
        unit="week",
        ge=0,
        provenance="assumed: after the scheme has run three years; explore 52-416",
    )


class CoordinatorLoss(Shock):
    """The part-time coordinator leaves or is taken off the scheme ([@socialcapital_mutualaid, §3.2.1])."""

    reach: float = prob(
        0.0,
        "helping.coordinator_reach from the event's week on (0: nobody relays requests)",
        provenance="assumed: [@socialcapital_mutualaid, §3.2.1] community workers' many other duties; explore 0-0.3",
    )
    registration: float = prob(
        1.0,
        "Share of participation.join_rate left from the event's week on (registering takes a visit to the "
        "coordinator; 0: nobody keeps the register, so nobody joins or rejoins)",
        provenance="assumed: registration runs through the community's coordinator (participation.join_rate); "
        "1 keeps registration as it was, explore 0-1",
    )


class FundingLoss(Shock):
    """The stable funding stops ([@liu2025, §3.3.1]: schemes that rely on project money wither)."""

    income_share: float = prob(
        0.0,
        "Share of the weekly income (and of a project grant not yet received) still paid from the event's week on",
        provenance="assumed: [@liu2025, §3.3.1] insufficient, unstable finance; explore 0-1",
    )


class EnforcementLoss(Shock):
    """Violations go unpunished: supervision weakens ([@socialcapital_mutualaid, §3.2.1])."""

    informal_detection: float = prob(
        0.0,
        "norms.informal_detection from the event's week on",
        provenance="assumed: [@socialcapital_mutualaid, §3.2.1] violations not corrected; explore 0-0.15",
    )
    supervision_detection: float = prob(
        0.0,
        "The supervision body's detection (if it runs) from the event's week on",
        provenance="assumed: [@socialcapital_mutualaid, §3.2.1]; explore 0-0.8",
    )


class TrustCrisis(Shock):
    """A publicised scandal: for some weeks helpers shirk ([@socialcapital_mutualaid, §3.1.2])."""

    weeks: int = param(
        13,
        "Weeks the burst of shirking lasts",
        unit="weeks",
        ge=1,
        le=520,
        provenance="assumed: a season; explore 4-52",
    )
    accept_drop: float = param(
        2.0,
        "Log-odds of accepting a request lost by every helper during the crisis (declines while owing count as free riding)",
        unit="log-odds",
        ge=0,
        le=20,
        provenance="assumed: [@socialcapital_mutualaid, §3.1.2] trust crisis; explore 0-4",
    )


class AgeingCore(Shock):
    """Newcomers are older: the estate no longer draws the young-old who do most helping ([@socialcapital_mutualaid, §3.1.1])."""

    age_share_60_69: float = prob(
        0.2,
        "Share aged 60-69 among newcomers from the event's week on (replaces community.age_share_60_69)",
        provenance="assumed: [@socialcapital_mutualaid, §3.1.1] mobility; explore 0-0.56",
    )
    age_share_70_79: float = prob(0.4, "Share aged 70-79 among newcomers from the event's week on")
    age_share_80_plus: float = prob(0.4, "Share aged 80-99 among newcomers from the event's week on")

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> AgeingCore:
        total = self.age_share_60_69 + self.age_share_70_79 + self.age_share_80_plus
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"age_share_60_69 + age_share_70_79 + age_share_80_plus must sum to 1 (they sum to {total:.4g})"
            )
        return self


class Shocks(Block):
    """Adverse events from a given week: the failure modes of [@socialcapital_mutualaid, §3], each switchable."""

    coordinator_loss: CoordinatorLoss = Field(default_factory=CoordinatorLoss)
    funding_loss: FundingLoss = Field(default_factory=FundingLoss)
    enforcement_loss: EnforcementLoss = Field(default_factory=EnforcementLoss)
    trust_crisis: TrustCrisis = Field(default_factory=TrustCrisis)
    ageing_core: AgeingCore = Field(default_factory=AgeingCore)


class Scenario(Block):
    """A complete, validated scenario: the community, every submodel's parameters and
    the interventions with their schedules."""

    name: str = Field("unnamed", description="Short name of the scenario")
    description: str = Field("", description="What the scenario represents and where it comes from")
    simulation: Simulation = Field(default_factory=Simulation)
    community: Community = Field(default_factory=Community)
    demography: Demography = Field(default_factory=Demography)
    needs: Needs = Field(default_factory=Needs)
    helping: Helping = Field(default_factory=Helping)
    trust: Trust = Field(default_factory=Trust)
    norms: Norms = Field(default_factory=Norms)
    motives: Motives = Field(default_factory=Motives)
    participation: Participation = Field(default_factory=Participation)
    network: Network = Field(default_factory=Network)
    interventions: Interventions = Field(default_factory=Interventions)
    shocks: Shocks = Field(default_factory=Shocks)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def block_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or in an optional), else ``None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = block_of(arg)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class SchemaField:
    """One parameter of the scenario schema with the metadata every consumer reads:
    the parameter table (docs/parameters.md), the checks of an experiment's design
    and the hint for a mistyped key all take it from :func:`schema_fields`."""

    path: str
    info: FieldInfo
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    @property
    def annotation(self) -> Any:
        return self.info.annotation

    def extra(self, key: str, default: str) -> str:
        extra = self.info.json_schema_extra
        return str(extra.get(key, default)) if isinstance(extra, dict) else default

    def range_text(self) -> str:
        """The allowed values as the parameter table states them."""
        ann, lo, hi = self.annotation, self.low, self.high
        if ann is bool:
            return "true or false"
        if get_origin(ann) is Literal:
            return "one of " + ", ".join(get_args(ann))
        if lo is None and hi is None:
            return "a file path, or none" if self.path.endswith("_file") else "any text"
        return (
            ("(" if self.low_open or lo is None else "[")
            + ("-∞" if lo is None else _num(lo))
            + ", "
            + ("∞" if hi is None else _num(hi))
            + (")" if self.high_open or hi is None else "]")
        )


def _bounded(path: str, info: FieldInfo) -> SchemaField:
    """The field with its range read from its constraints (the last of each kind wins)."""
    field = SchemaField(path, info)
    for m in info.metadata:
        for attr, is_low, is_open in (
            ("ge", True, False),
            ("gt", True, True),
            ("le", False, False),
            ("lt", False, True),
        ):
            bound = getattr(m, attr, None)
            if bound is None:
                continue
            if is_low:
                field = replace(field, low=bound, low_open=is_open)
            else:
                field = replace(field, high=bound, high_open=is_open)
    return field


@functools.cache
def schema_fields() -> tuple[SchemaField, ...]:
    """Every parameter of the scenario schema in schema order: the one walk over it.
    A scenario's own ``name`` and ``description`` are not parameters."""
    out: list[SchemaField] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            block = block_of(info.annotation)
            if block is not None:
                walk(block, f"{prefix}{name}.")
            elif prefix:
                out.append(_bounded(f"{prefix}{name}", info))

    walk(Scenario, "")
    return tuple(out)


def schema_blocks() -> set[str]:
    """The dotted paths of the blocks (tables) of the scenario schema."""
    return {f.path.rsplit(".", k)[0] for f in schema_fields() for k in range(1, f.path.count(".") + 1)}


def parameter_rows() -> list[dict[str, Any]]:
    """One row per numeric/categorical parameter: name, meaning, unit, default, range,
    provenance. The parameter table of the docs is generated from this."""
    return [
        {
            "name": f.path,
            "meaning": f.info.description or "",
            "unit": f.extra("unit", "-"),
            "default": f.info.default,
            "range": f.range_text(),
            "provenance": f.extra("provenance", "assumed"),
        }
        for f in schema_fields()
    ]
