"""Issuer-state profiles: what the state of incorporation's law asks of a stock certificate.

Selected by the spec's ``issuer.state`` (also set by ``issuer.jurisdiction`` with country US and
a state) when the issuer is a corporation; an issuer of another country, a partnership or LLC,
or one whose state is not given has no profile (the state-law rules are not applied to it:
rule ``issuer.state-law``).  Each profile records who must sign
(how many officers, and from which groups of titles), whether facsimile
signatures need an independent countersignature, which face statements are
statutory (an error when missing) rather than conventional (a warning), and
the sections to cite.  Where the only source is secondary or the statute's
current text was not confirmed, the profile says so and the rule it feeds
reports a warning instead of an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["StateProfile", "profile_for", "PROFILES"]

#: Title patterns, matched case-insensitively as words inside an officer's title.
PRESIDENT_OR_CHAIR = ("chair", "president")  # chair, chairman, vice chair, (vice) president
PRESIDENT = ("president",)
SECRETARY_OR_TREASURER = ("secretary", "treasurer")  # and assistants
CA_FINANCE = ("chief financial officer", "cfo", "treasurer", "secretary")


@dataclass(frozen=True)
class StateProfile:
    """The signing and content rules of one state's corporation law."""

    code: str
    #: Minimum number of officers who sign.
    signers: int
    #: The signing statute, cited by the signature rules.
    signing_law: str
    #: Groups of title words: one signer from each group (empty: any officers).
    title_groups: tuple[tuple[str, ...], ...] = ()
    #: False when the title rule's source is secondary or the statute's text unconfirmed.
    titles_confirmed: bool = True
    #: Facsimile signatures only with an independent countersignature or an exchange listing (NY).
    facsimile_needs_countersignature: bool = False
    #: The face must state the jurisdiction of incorporation (statute), not only by convention.
    jurisdiction_required: bool = False
    jurisdiction_law: str = "convention on filed specimen certificates"
    #: Par value (or a no-par statement) required on the face.
    par_value_required: bool = False
    par_value_law: str = "convention on filed specimen certificates"
    #: Statement of designations, preferences and rights for multi-class issuers.
    statement_law: str = "DGCL §151(f); MBCA §6.25(c)"
    #: Transfer restrictions must be noted conspicuously on the certificate.
    restriction_law: str = "UCC §8-204"

    def matches(self, group: tuple[str, ...], title: str) -> bool:
        """Whether an officer *title* belongs to a title *group*."""
        lowered = title.lower()
        return any(re.search(rf"\b{re.escape(word)}", lowered) for word in group)


def _mbca(code: str, section: str, signers: int = 2) -> StateProfile:
    """A Model Business Corporation Act state; *section* is its enactment of MBCA §6.25."""
    return StateProfile(
        code=code,
        signers=signers,
        signing_law=f"MBCA §6.25(d) as enacted ({section})",
        jurisdiction_required=True,
        jurisdiction_law=f"MBCA §6.25(b)(1) as enacted ({section})",
        statement_law=f"MBCA §6.25(c) as enacted ({section})",
        restriction_law="UCC §8-204; MBCA §6.27",
    )


PROFILES: dict[str, StateProfile] = {
    "DE": StateProfile(
        code="DE",
        signers=2,
        signing_law="8 Del. C. §158 (any two authorized officers; any or all signatures may be facsimile)",
        statement_law="8 Del. C. §151(f)",
        restriction_law="8 Del. C. §202(a); UCC §8-204",
    ),
    "MD": StateProfile(
        code="MD",
        signers=2,
        signing_law="Md. Code, Corps. & Ass'ns §2-212 (text unconfirmed; predecessor art. 23 §27(b): "
        "president, chair or vice president, countersigned by the secretary, treasurer or an assistant)",
        title_groups=(PRESIDENT_OR_CHAIR, SECRETARY_OR_TREASURER),
        titles_confirmed=False,
        statement_law="Md. Code, Corps. & Ass'ns §2-211(b)-(c)",
        restriction_law="Md. Code, Corps. & Ass'ns §2-211(d); UCC §8-204",
    ),
    "NY": StateProfile(
        code="NY",
        signers=2,
        signing_law="N.Y. Bus. Corp. Law §508(a)",
        title_groups=(PRESIDENT_OR_CHAIR, SECRETARY_OR_TREASURER),
        facsimile_needs_countersignature=True,
        jurisdiction_required=True,
        jurisdiction_law="N.Y. Bus. Corp. Law §508(c)(1)",
        statement_law="N.Y. Bus. Corp. Law §508(b)",
    ),
    "CA": StateProfile(
        code="CA",
        signers=2,
        signing_law="Cal. Corp. Code §416(a)",
        title_groups=(PRESIDENT_OR_CHAIR, CA_FINANCE),
        statement_law="Cal. Corp. Code §417",
        restriction_law="Cal. Corp. Code §418; UCC §8-204",
    ),
    "NV": StateProfile(
        code="NV",
        signers=2,
        signing_law="NRS 78.235 (secondary source only)",
        title_groups=(PRESIDENT, SECRETARY_OR_TREASURER),
        titles_confirmed=False,
        par_value_required=True,
        par_value_law="NRS 78.235 (secondary source only)",
        restriction_law="NRS 78.242; UCC §8-204",
    ),
    "VT": _mbca("VT", "11A V.S.A. §6.25"),
    "MA": _mbca("MA", "M.G.L. c. 156D §6.25"),
    "IA": _mbca("IA", "Iowa Code §490.625"),
    "OR": _mbca("OR", "ORS 60.161"),
    "HI": _mbca("HI", "HRS §414-86"),
    "MS": _mbca("MS", "Miss. Code §79-4-6.25"),
    "ME": _mbca("ME", "13-C M.R.S. §626"),
    "AZ": _mbca("AZ", "A.R.S. §10-625", signers=1),
}

_DEFAULT = StateProfile(
    code="",
    signers=2,
    signing_law="no state profile: two officers, as on filed specimen certificates",
    statement_law="DGCL §151(f); MBCA §6.25(c) (model provisions)",
)


def profile_for(state: str) -> StateProfile:
    """The profile of a state (two-letter code); a conservative default for states without one."""
    return PROFILES.get(state, _DEFAULT)
