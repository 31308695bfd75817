"""The installed jurisdictions, by code, read from the packages the deployment lists.

Django reads the list from the setting ``JIUZHU_JURISDICTIONS`` and calls ``configure`` when the apps are
ready; without Django (the engine's tests, the benchmarks) the built-in packages and those named in the
environment variable ``JIUZHU_EXTRA_JURISDICTIONS`` (comma-separated dotted paths) are installed.
"""

import os
from collections.abc import Iterable
from functools import cache
from importlib import import_module

from jurisdictions.catalogue import COMMON_APPLICATION_KINDS, COMMON_CATEGORIES, COMMON_FUNDS, REGULAR_TIER
from jurisdictions.parameters import CATEGORY, RATES, ParameterSchema
from jurisdictions.spec import (
    ASSESSMENTS,
    DEPARTMENTS,
    SETTLE_VISITS,
    ApplicationKindSpec,
    CategorySpec,
    Jurisdiction,
)

BUILT_IN = (
    "jurisdictions.national",
    "jurisdictions.mianyang",
    "jurisdictions.beijing",
    "jurisdictions.tianjin",
)
EXTRA_VARIABLE = "JIUZHU_EXTRA_JURISDICTIONS"
MAX_CODE_LENGTH = 16  # the jurisdiction columns' width
MAX_KIND_LENGTH = 32  # the application kind column's width


class RegistryError(Exception):
    """A listed package cannot be installed; the message names the package and what is wrong."""


class UnknownJurisdiction(KeyError):
    pass


def packages_from_environment() -> tuple[str, ...]:
    extra = os.environ.get(EXTRA_VARIABLE, "")
    return BUILT_IN + tuple(path.strip() for path in extra.split(",") if path.strip())


def _load(packages: Iterable[str]) -> dict[str, Jurisdiction]:
    installed: dict[str, Jurisdiction] = {}
    for path in packages:
        try:
            module = import_module(path)
        except ImportError as error:
            raise RegistryError(f"{path}: cannot be imported ({error})") from error
        jurisdiction = getattr(module, "JURISDICTION", None)
        if not isinstance(jurisdiction, Jurisdiction):
            raise RegistryError(f"{path}: declares no JURISDICTION (a jurisdictions.spec.Jurisdiction)")
        if jurisdiction.code in installed:
            raise RegistryError(f'{path}: the code "{jurisdiction.code}" is installed twice')
        installed[jurisdiction.code] = jurisdiction
    return installed


_installed: dict[str, Jurisdiction] | None = None


def configure(packages: Iterable[str]) -> None:
    """Install exactly these packages (dotted paths), replacing what was installed."""
    global _installed
    _installed = _load(packages)
    categories.cache_clear()
    application_kinds.cache_clear()


def installed() -> dict[str, Jurisdiction]:
    """Code -> jurisdiction, in the order the packages are listed."""
    global _installed
    if _installed is None:
        _installed = _load(packages_from_environment())
    return _installed


def get(code: str) -> Jurisdiction:
    try:
        return installed()[code]
    except KeyError:
        raise UnknownJurisdiction(code) from None


def codes() -> tuple[str, ...]:
    return tuple(installed())


@cache
def categories() -> dict[str, CategorySpec]:
    """Every category of the installed jurisdictions: the common catalogue, then each package's own."""
    known = {category.code: category for category in COMMON_CATEGORIES}
    for jurisdiction in installed().values():
        for category in jurisdiction.local_categories:
            known.setdefault(category.code, category)
    return known


@cache
def application_kinds() -> dict[str, ApplicationKindSpec]:
    """Every application kind of the installed jurisdictions: the common ones, then each package's own."""
    known = {kind.code: kind for kind in COMMON_APPLICATION_KINDS}
    for jurisdiction in installed().values():
        for kind in jurisdiction.case_kinds:
            known.setdefault(kind.code, kind)
    return known


def application_kinds_of(code: str) -> tuple[ApplicationKindSpec, ...]:
    """The application kinds a person of jurisdiction ``code`` may register: the common ones, then its own
    (none of its own for a code no package declares)."""
    own = installed()[code].case_kinds if code in installed() else ()
    return (*COMMON_APPLICATION_KINDS, *own)


def funds() -> dict[str, str]:
    """Fund code -> Chinese name: the common medical-assistance fund, then each package's own."""
    named = dict(COMMON_FUNDS)
    for jurisdiction in installed().values():
        for code, name in jurisdiction.own_funds:
            named.setdefault(code, name)
    return named


def tiers() -> dict[str, tuple[str, str]]:
    """Every installed jurisdiction's assistance tiers: code -> (Chinese name, English name), regular
    assistance first, then each jurisdiction's own in the order of installation."""
    names: dict[str, tuple[str, str]] = {}
    for jurisdiction in installed().values():
        for code, name_zh, name_en in jurisdiction.tiers:
            names.setdefault(code, (name_zh, name_en))
    return names


def fallback() -> Jurisdiction:
    """The jurisdiction of regions no package claims (the one without region roots)."""
    return next(j for j in installed().values() if not j.region_roots)


def jurisdiction_of_region(code: str) -> str:
    """The jurisdiction governing the division ``code``: the longest matching root, else the fallback."""
    best, length = fallback().code, 0
    for jurisdiction in installed().values():
        for root in jurisdiction.region_roots:
            if code.startswith(root) and len(root) > length:
                best, length = jurisdiction.code, len(root)
    return best


def fund_of(category: str) -> str | None:
    """The fund of its own that pays a category's assistance (Clarification 25), or None."""
    for jurisdiction in installed().values():
        if category in jurisdiction.funds:
            return jurisdiction.funds[category]
    return None


def schema_problems(schema: object, ranking: tuple[str, ...]) -> list[str]:
    """What is inconsistent in a parameter schema: categories it cannot have, tables naming no field."""
    if not (isinstance(schema, type) and issubclass(schema, ParameterSchema)):
        return ["its parameters are not a jurisdictions.parameters.ParameterSchema"]
    found: list[str] = []
    specs = schema.specs()
    for code in schema.categories:
        if code not in ranking:
            found.append(f'its parameters name the category "{code}", not one of its categories')
    for table in ("built_in", "bounds", "choices"):
        kinds = (CATEGORY,) if table == "choices" else (RATES,)
        for name in getattr(schema, table):
            if name not in specs or specs[name].kind not in kinds:
                found.append(f'its parameters\' {table} name "{name}", not a field of that kind')
    return found


def _tier_problems(where: str, jurisdiction: Jurisdiction, names: dict[str, tuple[str, str]]) -> list[str]:
    """A package's tiers: regular assistance first, no code twice, one name a code across packages."""
    tiers = jurisdiction.tiers if hasattr(jurisdiction.policy, "TIERS") else ()
    found: list[str] = []
    if not tiers or tiers[0][0] != REGULAR_TIER:
        found.append(f'{where}: its first tier must be regular assistance "{REGULAR_TIER}"')
    if len({tier[0] for tier in tiers}) != len(tiers):
        found.append(f"{where}: a tier code is declared twice")
    for code, name_zh, name_en in tiers:
        if names.setdefault(code, (name_zh, name_en)) != (name_zh, name_en):
            found.append(f'{where}: the tier "{code}" has another name in an earlier package')
    return found


def _kind_problems(where: str, jurisdiction: Jurisdiction, declared: dict[str, str]) -> list[str]:
    """A package's application kinds: codes that fit the column, declared once, decided on its categories."""
    found: list[str] = []
    ranking = jurisdiction.ranking if hasattr(jurisdiction.policy, "RANK") else ()
    # A package written before kinds were declared lists bare codes: read what is there, not what is typed.
    declared_kinds: tuple[object, ...] = jurisdiction.case_kinds
    for kind in declared_kinds:
        if not isinstance(kind, ApplicationKindSpec):
            found.append(f"{where}: its case kinds are not jurisdictions.spec.ApplicationKindSpec")
            continue
        named = f'{where}: the application kind "{kind.code}"'
        if not kind.code.isidentifier() or len(kind.code) > MAX_KIND_LENGTH:
            found.append(f"{named} must be an identifier of at most {MAX_KIND_LENGTH} characters")
        if declared.setdefault(kind.code, where) != where:
            found.append(f"{named} is also declared by {declared[kind.code]}")
        if kind.assessment not in ASSESSMENTS:
            found.append(f'{named} computes "{kind.assessment}", not one of {", ".join(ASSESSMENTS)}')
        if kind.category and kind.category not in ranking:
            found.append(f'{named} rests on "{kind.category}", not one of its categories')
        if kind.category and kind.category_required:
            found.append(f"{named} both fixes its category and asks for one")
        if kind.scenario_kind and kind.assessment == SETTLE_VISITS:
            found.append(f"{named} names a scenario kind but computes no application aid")
    if sum(1 for kind in declared_kinds if getattr(kind, "scenario_kind", "")) > 1:
        found.append(f"{where}: more than one application kind names a scenario kind")
    return found


def problems() -> list[str]:
    """What is inconsistent in the installed packages (the system check ``jiuzhu.E001`` reports each)."""
    found: list[str] = []
    local: dict[str, str] = {}
    tier_names: dict[str, tuple[str, str]] = {}
    kinds = {kind.code: "the common catalogue" for kind in COMMON_APPLICATION_KINDS}
    for code, jurisdiction in installed().items():
        where = f'jurisdiction "{code}"'
        if not code.isidentifier() or len(code) > MAX_CODE_LENGTH:
            found.append(f"{where}: the code must be an identifier of at most {MAX_CODE_LENGTH} characters")
        policy = jurisdiction.policy
        for name in ("build_policy", "CONFIG", "RANK", "CATEGORY_NAMES", "TIERS"):
            if not hasattr(policy, name):
                found.append(f"{where}: its policy module {policy.__name__} has no {name}")
        ranking = jurisdiction.ranking if hasattr(policy, "RANK") else ()
        if len(set(ranking)) != len(ranking):
            found.append(f"{where}: a category is ranked twice")
        config_rank = getattr(getattr(policy, "CONFIG", None), "rank", None)
        if config_rank is not None and tuple(config_rank) != tuple(getattr(policy, "RANK", ())):
            found.append(f"{where}: CONFIG.rank differs from the policy's RANK")
        for category in ranking:
            if category not in categories():
                found.append(f'{where}: the category "{category}" is declared nowhere')
        for spec in jurisdiction.local_categories:
            if spec.department not in DEPARTMENTS:
                found.append(f'{where}: "{spec.code}" is certified by an unknown department')
            if spec.code in local and local[spec.code] != code:
                found.append(f'{where}: "{spec.code}" is also declared by "{local[spec.code]}"')
            local[spec.code] = code
        for department in jurisdiction.alert_departments:
            if department not in DEPARTMENTS:
                found.append(f'{where}: alerts go to an unknown department "{department}"')
        for category, fund in jurisdiction.funds.items():
            if category not in ranking:
                found.append(f'{where}: a fund is named for "{category}", not one of its categories')
            if fund not in funds():
                found.append(f'{where}: the fund "{fund}" is declared nowhere')
        found.extend(_tier_problems(where, jurisdiction, tier_names))
        for root in jurisdiction.region_roots:
            if not (root.isdigit() and len(root) in (2, 4, 6)):
                found.append(f'{where}: the region root "{root}" is not a province, city or county code')
        found.extend(f"{where}: {problem}" for problem in schema_problems(jurisdiction.parameters, ranking))
        found.extend(_kind_problems(where, jurisdiction, kinds))
    fallbacks = [code for code, j in installed().items() if not j.region_roots]
    if len(fallbacks) != 1:
        found.append(f"exactly one jurisdiction must have no region roots (the fallback); found {fallbacks}")
    return found
