#!/usr/bin/env python3
"""Reference implementation (test oracle) of `pcsim import`.

An independent, deliberately plain reading of the import specification
(docs/partner-center.md, after the review): it reads Partner Center downloads (Azure usage, Microsoft 365 usage,
training) and writes DIR/history.csv and DIR/people.csv. It is a test oracle, so it
prefers clarity to speed, uses exact decimals (never binary floating point) for
money and units, and uses only the Python 3 standard library.

    python3 reference.py --azure A.csv [--azure B.csv] --m365 M.tsv \
        --training T.csv --as-of 2026-11-30 --out DIR [--dates mdy|dmy]

Instead of the text summary of `pcsim import` it prints a JSON object with the
summary counts to stdout. On invalid input it prints `error: FILE:LINE: message` to
stderr and exits with 1 (2 for an invalid command line), like pcsim.

Where the specification leaves a choice open, the choice made here is marked
"Reading:" in a comment.
"""

import argparse
import csv
import datetime
import json
import os
import re
import sys
from decimal import Decimal, ROUND_HALF_UP

# Python's ROUND_HALF_UP rounds ties away from zero (1.005 -> 1.01, -1.005 -> -1.01),
# which is what the specification calls "half away from zero".
HALF_AWAY_FROM_ZERO = ROUND_HALF_UP

# --------------------------------------------------------------------------------------
# Built-in ruleset data (the specification's lists, and the catalog of rules/security.toml)
# --------------------------------------------------------------------------------------

AZURE_SERVICES = [  # (canonical name, aliases)
    ("Application Gateway", []),
    ("Azure Active Directory B2C", ["Microsoft Entra ID B2C"]),
    ("Azure Active Directory for External Identities",
     ["Microsoft Entra ID for External Identities"]),
    ("Azure Bastion", []),
    ("Azure DDoS Protection", []),
    ("Azure Firewall", []),
    ("Azure Firewall Manager", []),
    ("Azure Front Door Service", []),
    ("Azure IoT Security", []),
    ("Key Vault", []),
    ("Microsoft Defender for Cloud",
     ["Azure Defender", "Security Center", "Security Centre",
      "Advanced Threat Protection", "Advanced Data Security"]),
    ("Microsoft Entra", []),
    ("Microsoft Entra Domain Services", []),
    ("Microsoft Entra Verified ID", []),
    ("Microsoft Purview", []),
    ("Microsoft Security Copilot", []),
    ("Microsoft Sentinel", ["Sentinel"]),
]

EXCLUDED_AZURE_OFFERS = ["Support", "Internal", "Benefit Program", "Trial"]

M365_WORKLOADS = [  # (canonical name, aliases)
    ("Microsoft Entra ID P1",
     ["Azure Active Directory Premium P1", "Azure AD Premium P1", "AAD Premium P1"]),
    ("Microsoft Defender for Office 365", ["Office 365 Advanced Threat Protection"]),
    ("Microsoft Defender for Endpoint Plan 2", ["Microsoft Defender for Endpoint P2"]),
    ("Microsoft Defender for Identity", ["Azure Advanced Threat Protection"]),
    ("Microsoft Purview Information Protection",
     ["Information Protection", "Azure Information Protection",
      "Microsoft Information Protection"]),
    ("Intune", ["Microsoft Intune"]),
]

ASSOCIATIONS = {
    # side: (counting list in ruleset order, other list in ruleset order)
    "azure": (["PAL", "CSP Tier1", "CSP Tier2"], ["none"]),
    "m365": (["CPOR", "CSP Tier1", "CSP Tier2"], ["DPOR", "none"]),
}

ATTRIBUTION_ALIASES = {
    "CSP direct bill": "CSP Tier1",
    "CSP 1T": "CSP Tier1",
    "CSP indirect reseller": "CSP Tier2",
    "CSP 2T": "CSP Tier2",
    "Partner Admin Link": "PAL",
    "Claiming Partner of Record": "CPOR",
    "Digital Partner of Record": "DPOR",
}

# The certification catalog, in catalog order (rules/security.toml), with the
# specification's built-in aliases.
CATALOG = [
    {"code": "AZ-500", "name": "Azure Security Engineer Associate",
     "aliases": ["Microsoft Azure Security Technologies"], "retired": "2026-08-31"},
    {"code": None, "name": "Cloud and AI Security Engineer Associate",
     "aliases": [], "retired": None},
    {"code": "SC-200", "name": "Security Operations Analyst Associate",
     "aliases": ["Microsoft Security Operations Analyst"], "retired": None},
    {"code": "SC-100", "name": "Cybersecurity Architect Expert",
     "aliases": ["Microsoft Cybersecurity Architect", "Cybersecurity Architect"],
     "retired": None},
    {"code": "SC-300", "name": "Identity and Access Administrator",
     "aliases": ["Identity and Access Administrator Associate"], "retired": None},
    {"code": "SC-400", "name": "Information Protection Administrator",
     "aliases": ["Information Protection Administrator Associate",
                 "Microsoft Information Protection Administrator"],
     "retired": "2025-05-31"},
    {"code": "SC-401", "name": "Information Security Administrator Associate",
     "aliases": [], "retired": None},
]

# Columns: field -> (names, first present wins). Required fields are listed apart.
COLUMNS = {
    "azure": [
        ("month", ["Month", "MonthStartDate", "UsageMonth"], True),
        ("tenant", ["CustomerTenantId", "CustomerId", "TenantId"], True),
        ("name", ["CustomerName", "CustomerCompanyName", "CustomerTenantName"], False),
        ("service", ["ServiceName", "MeterCategory"], True),
        ("attribution", ["PartnerAttributionType", "AttributionType"], True),
        ("acr", ["MonthlySubscriptionLevelACR", "TotalACR", "ACR"], True),
        ("offer", ["OfferType", "OfferName"], False),
    ],
    "m365": [
        ("month", ["Month", "MonthStartDate", "UsageMonth"], True),
        ("tenant", ["CustomerTenantId", "CustomerId", "TenantId"], True),
        ("name", ["CustomerName", "CustomerCompanyName", "CustomerTenantName"], False),
        ("workload", ["WorkloadName", "Workload"], True),
        ("units", ["PaidAvailableUnits", "PaidUnits", "LicensesQualified"], True),
        ("active", ["MonthlyActiveUsers", "ActiveUsers", "LicensesActive"], True),
        ("attribution", ["PartnerAttributionType", "AttributionType"], True),
    ],
    "training": [
        ("first", ["IndividualFirstName", "FirstName"], False),
        ("last", ["IndividualLastName", "LastName"], False),
        ("email", ["Email", "EmailAddress", "IndividualEmail"], False),
        ("title", ["TrainingTitle", "CertificationTitle", "Title"], True),
        ("completed", ["TrainingCompletionDate", "CompletionDate"], True),
        ("expires", ["ExpirationDate", "ExpiryDate"], False),
        ("type", ["TrainingType", "CredentialType"], False),
    ],
}

MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july",
               "august", "september", "october", "november", "december"]


class InputError(Exception):
    """Invalid input: printed as `error: <message>`, exit code 1."""


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def loose(text):
    """The loose form used for every name comparison: lowercase, without spaces
    (Reading: any whitespace), hyphens and underscores."""
    return "".join(ch for ch in text.lower() if not (ch.isspace() or ch in "-_"))


def build_lookup(entries):
    """{loose name or alias: canonical name} for a list of (canonical, aliases)."""
    lookup = {}
    for canonical, aliases in entries:
        for name in [canonical] + aliases:
            lookup.setdefault(loose(name), canonical)
    return lookup


AZURE_SERVICE_LOOKUP = build_lookup(AZURE_SERVICES)
M365_WORKLOAD_LOOKUP = build_lookup(M365_WORKLOADS)
EXCLUDED_OFFER_KEYS = {loose(o) for o in EXCLUDED_AZURE_OFFERS}


def canonical_attribution(side, text):
    """The association an attribution type stands for on a side: an alias is resolved
    first; a type in neither of the side's lists is treated like `none`."""
    counting, other = ASSOCIATIONS[side]
    key = loose(text)
    for alias, target in ATTRIBUTION_ALIASES.items():
        if loose(alias) == key:
            key = loose(target)
            break
    for name in counting + other:
        if loose(name) == key:
            return name
    return "none"


def fmt_month(month):
    return "%04d-%02d" % month


def next_month(month):
    year, mon = month
    return (year + 1, 1) if mon == 12 else (year, mon + 1)


def months_between(first, last):
    """first ..= last, as (year, month) tuples."""
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def round_half_away(value, places):
    return value.quantize(Decimal(1).scaleb(-places), rounding=HALF_AWAY_FROM_ZERO)


def fmt_decimal(value):
    """`1200`, `350.5`, `350.25`, `0`: no trailing zeros, no exponent."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def csv_field(text):
    """A history/people field, quoted only when needed (Reading: when it holds a comma,
    a double quote, CR or LF)."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(csv_field(str(v)) for v in row) + "\n")


# --------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------

def read_table(path, kind):
    """Read a CSV/TSV download. Returns (separator, columns, rows) where columns maps
    each field of COLUMNS[kind] that is present to its column index, and rows is a list
    of (line number, list of cells). Blank lines are skipped (Reading)."""
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    header_line = text.split("\n", 1)[0]
    if "," in header_line:
        sep = ","
    elif ";" in header_line:
        sep = ";"
    else:
        sep = "\t"
    reader = csv.reader(text.splitlines(keepends=True), delimiter=sep, quotechar='"')
    header = None
    rows = []
    for cells in reader:
        line = reader.line_num
        if header is None:
            header = cells
            continue
        if not cells or all(c.strip() == "" for c in cells):
            continue
        rows.append((line, cells))
    if header is None:
        raise InputError("%s: the file is empty" % path)

    found = [loose(h) for h in header]
    columns = {}
    for field, names, required in COLUMNS[kind]:
        for name in names:
            if loose(name) in found:
                columns[field] = found.index(loose(name))
                break
        if required and field not in columns:
            raise InputError(
                "%s:1: no %s column: expected %s; the columns are: %s"
                % (path, field, " or ".join(names), ", ".join(h.strip() for h in header)))
    if kind == "training":
        has_names = "first" in columns and "last" in columns
        if not has_names and "email" not in columns:
            raise InputError(
                "%s:1: no person columns: expected both IndividualFirstName (or FirstName) "
                "and IndividualLastName (or LastName), or Email (or EmailAddress, "
                "IndividualEmail); the columns are: %s"
                % (path, ", ".join(h.strip() for h in header)))
    return sep, columns, rows


def cell(cells, columns, field):
    """The trimmed text of a field in a row ('' when the column is absent or short)."""
    index = columns.get(field)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

TIME = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"


def valid_date(year, month, day):
    try:
        datetime.date(year, month, day)
        return True
    except ValueError:
        return False


def parse_month(text, where):
    """A usage month, as (year, month)."""
    s = text.strip()
    if s == "":
        raise InputError("%s: the month is empty" % where)
    bad = InputError("%s: `%s` is not a month (write YYYY-MM)" % (where, s))

    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m:
        year, mon = int(m.group(1)), int(m.group(2))
        if not 1 <= mon <= 12:
            raise bad
        return (year, mon)

    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}:\d{2}Z?| \d{2}:\d{2}:\d{2})?", s)
    if m:
        year, mon, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not valid_date(year, mon, day):
            raise bad
        return (year, mon)

    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})" + TIME, s)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12:
            day, mon = a, b
        elif b > 12:
            day, mon = b, a
        elif b == 1:
            day, mon = b, a
        elif a == 1:
            day, mon = a, b
        else:
            raise InputError(
                "%s: `%s` reads two ways (month %d or month %d): write the month as YYYY-MM"
                % (where, s, a, b))
        if not valid_date(year, mon, day):
            raise InputError("%s: `%s` is not a date: month %d has no day %d"
                             % (where, s, mon, day))
        return (year, mon)

    # A dotted date is always day first: 01.10.2026 is October.
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + TIME, s)
    if m:
        day, mon, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not valid_date(year, mon, day):
            raise bad
        return (year, mon)

    # Spreadsheet forms: Oct-26, Oct 2026, October 2026, 10/2026, 2026/10.
    m = re.fullmatch(r"([A-Za-z]+)-(\d{2})", s)
    if m and m.group(1).lower() in [n[:3] for n in MONTH_NAMES]:
        return (2000 + int(m.group(2)), [n[:3] for n in MONTH_NAMES].index(m.group(1).lower()) + 1)
    m = re.fullmatch(r"([A-Za-z]+) (\d{4})", s)
    if m:
        word = m.group(1).lower()
        if word in MONTH_NAMES:
            return (int(m.group(2)), MONTH_NAMES.index(word) + 1)
        if word in [n[:3] for n in MONTH_NAMES]:
            return (int(m.group(2)), [n[:3] for n in MONTH_NAMES].index(word) + 1)
        raise bad
    m = re.fullmatch(r"(\d{1,2})/(\d{4})", s)
    if m and 1 <= int(m.group(1)) <= 12:
        return (int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(\d{4})/(\d{1,2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return (int(m.group(1)), int(m.group(2)))
    raise bad


LIMIT = Decimal(1_000_000_000)


def parse_number(text, where, what, sep, allow_negative):
    """A plain decimal number (Reading: optional leading minus where allowed, digits,
    optional decimal point; no sign '+', no exponent, no thousands separators). None may
    be over 1,000,000,000 in absolute value. With a `;` separator a decimal comma is
    read, and a point is refused when the value also has a comma (`1.234,50`) or looks
    like groups of three digits after points: one to three digits, then `.ddd` groups
    (`1.234`, `12.345.678`; `1234.567` is a decimal point, as are `1.5` and `1.2345`)."""
    s = text.strip()
    if s == "":
        raise InputError("%s: the %s cell is empty (write 0)" % (where, what))
    candidate = s
    if sep == ";":
        if "." in s and ("," in s or re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", s)):
            raise InputError("%s: %s `%s` has a point, taken for a thousands separator in a "
                             ";-separated file: write it without, as in 1250,50"
                             % (where, what, s))
        if s.count(",") == 1:
            candidate = s.replace(",", ".")
    pattern = r"-?(?:\d+(?:\.\d*)?|\.\d+)" if allow_negative else r"(?:\d+(?:\.\d*)?|\.\d+)"
    if not re.fullmatch(pattern, candidate):
        if not allow_negative and re.fullmatch(r"-(?:\d+(?:\.\d*)?|\.\d+)", candidate):
            raise InputError("%s: %s `%s` is negative" % (where, what, s))
        raise InputError("%s: %s `%s` is not a number" % (where, what, s))
    value = Decimal(candidate)
    if abs(value) > LIMIT:
        raise InputError("%s: %s `%s` is over 1,000,000,000" % (where, what, s))
    return value


# --------------------------------------------------------------------------------------
# Usage (azure and m365)
# --------------------------------------------------------------------------------------

def read_usage(kind, paths, order_start):
    """Read every file of one kind. Each row becomes a dict; `order` is its position in
    command-line file order (all --azure files, then all --m365 files, then line)."""
    rows = []
    order = order_start
    for path in paths:
        sep, columns, table = read_table(path, kind)
        for line, cells in table:
            where = "%s:%d" % (path, line)
            tenant_raw = cell(cells, columns, "tenant")
            if tenant_raw == "":
                raise InputError("%s: the tenant id is empty" % where)
            row = {
                "kind": kind,
                "file": path,
                "line": line,
                "order": order,
                "month": parse_month(cell(cells, columns, "month"), where),
                "tenant_raw": tenant_raw,
                "tenant": tenant_raw.lower(),
                "name": cell(cells, columns, "name"),
                "attribution_raw": cell(cells, columns, "attribution"),
                "attribution": canonical_attribution(kind, cell(cells, columns, "attribution")),
            }
            if kind == "azure":
                row["service_raw"] = cell(cells, columns, "service")
                row["service"] = AZURE_SERVICE_LOOKUP.get(loose(row["service_raw"]))
                row["acr"] = parse_number(cell(cells, columns, "acr"), where, "ACR", sep, True)
                row["has_offer_column"] = "offer" in columns
                row["offer_raw"] = cell(cells, columns, "offer")
            else:
                row["workload_raw"] = cell(cells, columns, "workload")
                row["workload"] = M365_WORKLOAD_LOOKUP.get(loose(row["workload_raw"]))
                row["units"] = parse_number(cell(cells, columns, "units"), where,
                                            "PaidAvailableUnits", sep, False)
                row["active"] = parse_number(cell(cells, columns, "active"), where,
                                             "MonthlyActiveUsers", sep, False)
            rows.append(row)
            order += 1
    return rows


def bucket(row):
    """(bucket, the name the summary lists it under). Checked in the spec's order."""
    counting = ASSOCIATIONS[row["kind"]][0]
    if row["kind"] == "azure":
        if row["service"] is None:
            return "service not eligible", row["service_raw"]
        if row["has_offer_column"] and loose(row["offer_raw"]) in EXCLUDED_OFFER_KEYS:
            return "offer excluded", row["offer_raw"]
    else:
        if row["workload"] is None:
            return "workload not eligible", row["workload_raw"]
    if row["attribution"] not in counting:
        return "attribution does not count", row["attribution_raw"]
    return "counted", None


def side_association(side, rows):
    """The association of one side in (t, m) from all that side's rows there."""
    counting, other = ASSOCIATIONS[side]
    present = {r["attribution"] for r in rows}
    for name in counting + other:  # `none` is last in every other-list
        if name in present:
            return name
    return "none"


def import_usage(azure_paths, m365_paths):
    summary = {}
    warnings = []
    azure_rows = read_usage("azure", azure_paths, 0)
    m365_rows = read_usage("m365", m365_paths, len(azure_rows))
    kinds = []
    if azure_paths:
        kinds.append(("azure", azure_paths, azure_rows))
    if m365_paths:
        kinds.append(("m365", m365_paths, m365_rows))
    all_rows = azure_rows + m365_rows

    # Months.
    if not all_rows:
        raise InputError("the usage files have no rows")
    start = min(r["month"] for r in all_rows)
    end = max(r["month"] for r in all_rows)
    if azure_paths and m365_paths and azure_rows and m365_rows:
        latest_azure = max(r["month"] for r in azure_rows)
        latest_m365 = max(r["month"] for r in m365_rows)
        end = min(latest_azure, latest_m365)
    dropped = {kind: sum(1 for r in rows if r["month"] > end) for kind, _, rows in kinds}
    for kind, _, rows in kinds:
        if dropped[kind]:
            warnings.append("%d %s rows after %s dropped (the last month both kinds have)"
                            % (dropped[kind], kind, fmt_month(end)))
    kept = [r for r in all_rows if r["month"] <= end]

    # Per kind: buckets, warnings.
    for kind, paths, rows in kinds:
        mine = [r for r in rows if r["month"] <= end]
        skipped = {}
        counted = 0
        for r in mine:
            b, name = bucket(r)
            r["bucket"] = b
            if b == "counted":
                counted += 1
            else:
                # Reading: names are grouped loosely, under their first spelling.
                reason = skipped.setdefault(b, {})
                for existing in reason:
                    if loose(existing) == loose(name):
                        name = existing
                        break
                reason[name] = reason.get(name, 0) + 1
        summary[kind] = {
            "files": len(paths),
            "rows_read": len(rows),
            "rows_counted": counted,
            "rows_dropped_after_end": dropped[kind],
            "skipped": skipped,
        }
        months_seen = {r["month"] for r in mine}
        for m in months_between(start, end):
            if m not in months_seen:
                warnings.append("%s: no rows for %s" % (kind, fmt_month(m)))
        for m in sorted(months_seen):
            files = []
            for r in mine:
                if r["month"] == m and r["file"] not in files:
                    files.append(r["file"])
            if len(files) > 1:
                warnings.append("%s %s is in %s: added together"
                                % (kind, fmt_month(m), " and ".join(files)))

    # Per tenant.
    tenants = {}  # key -> list of rows (kept rows, in command-line order)
    first_id = {}  # key -> the id as first written (over every row read)
    every_row = {}  # key -> every row read, also those after `end` (for the name)
    for r in all_rows:
        first_id.setdefault(r["tenant"], r["tenant_raw"])
        every_row.setdefault(r["tenant"], []).append(r)
    for r in kept:
        tenants.setdefault(r["tenant"], []).append(r)

    written = []  # (tenant key, display name, [history rows])
    negative_acr_months = 0
    negative_acr_sum = Decimal(0)  # how far below zero, exactly, over those months
    for key in sorted(tenants):
        rows = tenants[key]
        facts = {}
        for m in months_between(start, end):
            in_m = [r for r in rows if r["month"] == m]
            acr_sum = sum((r["acr"] for r in in_m
                           if r["kind"] == "azure" and r["bucket"] == "counted"), Decimal(0))
            if acr_sum < 0:
                negative_acr_months += 1
                negative_acr_sum += -acr_sum
                acr_sum = Decimal(0)
            acr = round_half_away(acr_sum, 2)
            per_workload = {}
            active_sum = Decimal(0)
            for r in in_m:
                if r["kind"] == "m365" and r["bucket"] == "counted":
                    per_workload[r["workload"]] = per_workload.get(r["workload"], Decimal(0)) + r["units"]
                    active_sum += r["active"]
            seats = round_half_away(max(per_workload.values(), default=Decimal(0)), 0)
            active = round_half_away(active_sum, 0)
            facts[m] = (seats, active, acr,
                        [r for r in in_m if r["kind"] == "m365"],
                        [r for r in in_m if r["kind"] == "azure"])
        positive = [m for m in facts if facts[m][0] > 0 or facts[m][1] > 0 or facts[m][2] > 0]
        if not positive:
            continue
        history = []
        # A side without rows in a month keeps the association of the latest month that
        # had some, even a month before the tenant's first written row.
        previous = {"m365": "", "azure": ""}
        for m in months_between(start, end):
            seats, active, acr, m365_in, azure_in = facts[m]
            assoc = {}
            for side, side_rows in (("m365", m365_in), ("azure", azure_in)):
                assoc[side] = side_association(side, side_rows) if side_rows else previous[side]
            previous = assoc
            if m >= min(positive):
                history.append([fmt_month(m), str(int(seats)), str(int(active)), fmt_decimal(acr),
                                assoc["m365"], assoc["azure"]])
        # Display name: the non-empty name of the row with the latest month, ties to the
        # first such row read (command-line file order, then line). Over every row read,
        # also the rows after the history's end (the newest name is the current one),
        # whatever their bucket. Reading: all --azure files come before all --m365 files
        # in that order, wherever the flags stand on the command line.
        named = [r for r in every_row[key] if r["name"] != ""]
        if named:
            latest = max(r["month"] for r in named)
            display = min((r for r in named if r["month"] == latest), key=lambda r: r["order"])["name"]
        else:
            display = first_id[key]
        written.append([key, display, history])

    # Same display name for two written tenants: `name (first 8 characters of the id)`;
    # names that still collide (with each other or with another tenant's name) get 16,
    # then 32 characters, then the whole id; each round starts again from the original
    # name and changes only the tenants whose current name is used more than once.
    # Reading: names are compared exactly (byte for byte); the id is the one first
    # written (command-line order), case kept.
    original = [w[1] for w in written]
    for round_ in range(4):
        counts = {}
        for w in written:
            counts[w[1]] = counts.get(w[1], 0) + 1
        colliding = [i for i, w in enumerate(written) if counts[w[1]] > 1]
        if not colliding:
            break
        length = [8, 16, 32, 64][round_]  # 64: the whole id (a GUID has 36 characters)
        for i in colliding:
            written[i][1] = "%s (%s)" % (original[i], first_id[written[i][0]][:length])
    counts = {}
    for w in written:
        counts[w[1]] = counts.get(w[1], 0) + 1
    # The specification's last resort (` #N`) is not implemented here: assert that the
    # fixtures never need it.
    assert all(c == 1 for c in counts.values()), "names still collide: %r" % counts

    out_rows = []
    for key, display, history in sorted(written, key=lambda w: w[1].encode("utf-8")):
        for h in history:
            out_rows.append([display] + h)

    summary["months"] = {"start": fmt_month(start), "end": fmt_month(end),
                         "count": len(months_between(start, end))}
    summary["tenants_written"] = len(written)
    summary["tenants_no_eligible_usage"] = len(first_id) - len(written)
    summary["negative_acr_months"] = negative_acr_months
    summary["negative_acr_usd"] = fmt_decimal(round_half_away(negative_acr_sum, 2))
    summary["warnings"] = warnings
    return out_rows, summary


# --------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------

def split_date(text):
    """('iso', y, m, d) or ('slash', a, b, y) or ('dotted', d, m, y) or None. Reading:
    a dotted date may carry a time as a slash date may. (not exercised)"""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?", s)
    if m:
        return ("iso", int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})" + TIME, s)
    if m:
        return ("slash", int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + TIME, s)
    if m:
        return ("dotted", int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def detect_convention(path, dated_cells, forced):
    """'mdy' or 'dmy' (or None when the file has no slash dates) for a training file."""
    if forced:
        return forced
    day_first = None
    month_first = None
    any_slash = False
    any_unequal = False
    for where, text in dated_cells:
        parts = split_date(text)
        if parts is None or parts[0] != "slash":
            continue
        any_slash = True
        _, a, b, _ = parts
        if a > 12 and day_first is None:
            day_first = where
        if b > 12 and month_first is None:
            month_first = where
        if a != b:
            any_unequal = True
    if day_first and month_first:
        raise InputError(
            "%s: the slash dates mix conventions: %s has the day first, %s the month first"
            % (path, day_first, month_first))
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if not any_slash:
        return None
    if any_unequal:
        raise InputError(
            "%s: every slash date reads two ways (day or month first): "
            "run again with --dates mdy or --dates dmy" % path)
    return "mdy"  # every slash date has a == b: either reading agrees


def parse_training_date(text, where, convention):
    parts = split_date(text)
    if parts is None:
        raise InputError("%s: `%s` is not a date (write YYYY-MM-DD)" % (where, text.strip()))
    if parts[0] == "iso":
        _, y, mo, d = parts
    elif parts[0] == "dotted":  # always day first
        _, d, mo, y = parts
    else:
        _, a, b, y = parts
        mo, d = (a, b) if convention == "mdy" else (b, a)
    if not valid_date(y, mo, d):
        raise InputError("%s: `%s` is not a date" % (where, text.strip()))
    return datetime.date(y, mo, d)


def normalize_title(title):
    t = title.strip().lower()
    if t.startswith("microsoft certified:"):
        t = t[len("microsoft certified:"):]
    return t.strip()


def match_certification(title):
    """The catalog index a training title stands for, or None. The code as a word counts
    only in an exam's title, one that starts with `Exam ` (any case): a course named
    after an exam (`SC-200: Mitigate threats ...`) names no certification. Reading: an
    exact (loose) match with a name, alias or code anywhere in the catalog wins over a
    code found as a word; ties go to catalog order."""
    t = normalize_title(title)
    for i, cert in enumerate(CATALOG):
        names = [cert["name"]] + cert["aliases"] + ([cert["code"]] if cert["code"] else [])
        if any(loose(t) == loose(n) for n in names):
            return i
    if not title.strip().lower().startswith("exam "):
        return None
    for i, cert in enumerate(CATALOG):
        if cert["code"]:
            # A whole token: not preceded or followed by a letter or digit.
            pattern = r"(?<![a-z0-9])" + re.escape(cert["code"].lower()) + r"(?![a-z0-9])"
            if re.search(pattern, t):
                return i
    return None


def collapse(text):
    return " ".join(text.split())


def is_credential(type_text):
    """Whether a TrainingType/CredentialType cell is a certification or an exam (an
    empty cell, or no such column, reads the row)."""
    t = type_text.lower()
    return t == "" or "certification" in t or "exam" in t


def import_training(paths, as_of, forced_dates):
    summary = {"files": len(paths), "rows_read": 0, "not_certifications": {},
               "unknown_titles": {}, "retired_after": []}
    # key -> {"display", "email", "first_row"}, in order of first appearance. A key is
    # ("email", lowercased email) for a row with an email, else ("name", lowercased
    # "First Last").
    persons = {}
    completions = []  # (person key, catalog index, passed, expires), the kept ones
    conventions = []
    for path in paths:
        sep, columns, table = read_table(path, "training")
        dated = []
        for line, cells in table:
            for field in ("completed", "expires"):
                if cell(cells, columns, field):
                    dated.append(("%s:%d" % (path, line), cell(cells, columns, field)))
        convention = detect_convention(path, dated, forced_dates)
        conventions.append(convention)
        for line, cells in table:
            where = "%s:%d" % (path, line)
            summary["rows_read"] += 1
            type_text = cell(cells, columns, "type")
            if not is_credential(type_text):
                # "Only rows whose type is a certification or an exam are read": a course
                # row is counted here and nothing more of it is read (not its person, not
                # its dates). Reading: its dates still take part in finding the file's
                # date convention above (the file settles it); types are grouped exactly
                # as written. (not exercised)
                summary["not_certifications"][type_text] = \
                    summary["not_certifications"].get(type_text, 0) + 1
                continue
            email = cell(cells, columns, "email")
            name = collapse(cell(cells, columns, "first") + " " + cell(cells, columns, "last"))
            if email != "":
                key = ("email", email.lower())
            elif name != "":
                key = ("name", name.lower())
            else:
                raise InputError("%s: the row names no person (no name and no email)" % where)
            if key not in persons:
                # Reading: the display comes from the person's first row.
                persons[key] = {"display": name if name != "" else email,
                                "email": email.lower(), "first_row": where}
            title = cell(cells, columns, "title")
            # Every other row's dates are read and checked (Reading: also rows whose
            # title is not in the catalog or that are dropped after a retirement).
            completed_text = cell(cells, columns, "completed")
            if completed_text == "":
                raise InputError("%s: the completion date is empty" % where)
            completed = parse_training_date(completed_text, where, convention)
            expires_text = cell(cells, columns, "expires")
            expires = parse_training_date(expires_text, where, convention) if expires_text else None
            if expires is not None and expires <= completed:
                raise InputError("%s: the expiration %s is on or before the completion %s: "
                                 "are the two date columns swapped?"
                                 % (where, expires.isoformat(), completed.isoformat()))
            index = match_certification(title)
            if index is None:
                summary["unknown_titles"][title] = summary["unknown_titles"].get(title, 0) + 1
                continue
            cert = CATALOG[index]
            if cert["retired"] and completed > datetime.date.fromisoformat(cert["retired"]):
                summary["retired_after"].append({
                    "line": where, "person": persons[key]["display"],
                    "cert": cert["code"] or cert["name"], "completed": completed.isoformat(),
                    "retired": cert["retired"]})
                continue
            completions.append((key, index, completed, expires))
            # A person first met by email alone is shown by name once a kept row gives
            # it; the names of kept rows are the ones a row without an email can match.
            if name != "":
                person = persons[key]
                person.setdefault("names", set()).add(name.lower())
                if person["display"] == email:
                    person["display"] = name

    # A person known by name only (a row without an email) who has a kept completion is
    # the person with an email whose display name is that name, when exactly one such
    # person (with a kept completion) exists; two or more is an error at the name-keyed
    # person's first row. Reading: the emails are listed in order of first appearance.
    holders = {c[0] for c in completions}
    by_name = {}
    for key, p in persons.items():
        if key[0] == "email" and key in holders:
            for n in sorted(p.get("names", ())):
                by_name.setdefault(n, []).append(key)
    same_as = {}
    for key, p in persons.items():
        if key[0] != "name" or key not in holders:
            continue
        candidates = by_name.get(key[1], [])
        if len(candidates) == 1:
            same_as[key] = candidates[0]
        elif len(candidates) > 1:
            raise InputError(
                "%s:1: %s has no email here, and %d people of that name have one (%s): add "
                "the email to tell which one"
                % (p["first_row"], p["display"], len(candidates),
                   ", ".join(persons[k]["email"] for k in candidates)))
    held = {}  # (person key, catalog index) -> [(passed, expires)], in reading order
    for key, index, passed, expires in completions:
        held.setdefault((same_as.get(key, key), index), []).append((passed, expires))

    # Displays shared by two persons get " <email>" (Reading: over the persons with a
    # written certification, with the lowercased email; a person without an email keeps
    # the plain display).
    writers = {key for (key, _) in held}
    displays = {}
    for key, p in persons.items():
        if key in writers:
            displays[p["display"]] = displays.get(p["display"], 0) + 1
    for key, p in persons.items():
        if key in writers and displays[p["display"]] > 1 and p["email"]:
            p["display"] = "%s <%s>" % (p["display"], p["email"])

    # Stretches: a person's completions of one certification, by completion date (then
    # expiration, none first), make one row while each comes on or before the stretch's
    # expiration so far; a completion without an expiration date says nothing of when it
    # ends (the known dates decide; with none known the stretch stays open). A completion
    # after the stretch expired starts another row.
    rows = []
    for (key, index), comps in held.items():
        cert = CATALOG[index]
        comps.sort(key=lambda c: (c[0], (0,) if c[1] is None else (1, c[1])))
        stretches = []  # [passed, until (None: open)]
        for passed, expires in comps:
            if stretches and (stretches[-1][1] is None or passed <= stretches[-1][1]):
                until = stretches[-1][1]
                # A completion without an expiration date (an exam's row) says nothing of
                # when the certification ends: the known dates decide.
                stretches[-1][1] = max(until, expires) if (until and expires) else (until or expires)
            else:
                stretches.append([passed, expires])
        for passed, until in stretches:
            written_expiry = until.isoformat() if until is not None and until < as_of else ""
            rows.append((persons[key]["display"], index, passed, cert["code"] or cert["name"],
                         written_expiry))
    rows.sort(key=lambda r: (r[0].encode("utf-8"), r[1], r[2]))
    summary["people"] = len({r[0] for r in rows})
    summary["certifications"] = len(rows)
    summary["lapsed"] = sum(1 for r in rows if r[4] != "")
    summary["merged"] = len(completions) - len(rows)
    summary["date_convention"] = conventions[0] if len(conventions) == 1 else conventions
    return [[r[0], r[3], r[2].isoformat(), r[4]] for r in rows], summary


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

def main(argv):
    parser = argparse.ArgumentParser(description="Reference implementation of pcsim import")
    parser.add_argument("--azure", action="append", default=[])
    parser.add_argument("--m365", action="append", default=[])
    parser.add_argument("--training", action="append", default=[])
    parser.add_argument("--out", required=True)
    parser.add_argument("--as-of", default=datetime.date.today().isoformat())
    parser.add_argument("--dates", choices=["mdy", "dmy"])
    args = parser.parse_args(argv)
    if not (args.azure or args.m365 or args.training):
        parser.error("give at least one of --azure, --m365, --training")
    try:
        as_of = datetime.date.fromisoformat(args.as_of)
    except ValueError:
        parser.error("--as-of: `%s` is not a date YYYY-MM-DD" % args.as_of)

    try:
        summary = {}
        history = people = None
        if args.azure or args.m365:
            history, usage_summary = import_usage(args.azure, args.m365)
            summary.update(usage_summary)
        if args.training:
            people, summary["training"] = import_training(args.training, as_of, args.dates)
    except InputError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1

    os.makedirs(args.out, exist_ok=True)
    if history is not None:
        write_csv(os.path.join(args.out, "history.csv"),
                  ["tenant", "month", "seats", "active", "acr", "m365", "azure"], history)
    if people is not None:
        write_csv(os.path.join(args.out, "people.csv"),
                  ["person", "cert", "passed", "expires"], people)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
