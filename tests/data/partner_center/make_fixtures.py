#!/usr/bin/env python3
"""Writes the synthetic Partner Center downloads of this folder (azure-2025.csv,
azure-2026.csv, m365.tsv). Everything here is made up: the tenant ids are invented
GUIDs and the companies are Microsoft's fictitious sample names.

The fixture files are the source of truth; this script only documents how they were
made and lets them be rebuilt. It is deterministic (no randomness). The training and
error fixtures are written by hand.

    python3 make_fixtures.py      # rewrites the three files in this folder
"""

import os
import uuid
from decimal import Decimal as D

HERE = os.path.dirname(os.path.abspath(__file__))
PARTNER_ID = "4871234"
PARTNER_NAME = "A. Datum Corporation"

# The tenants (invented GUIDs). T7 has no name in any download; its id is upper case in
# the Azure downloads and lower case in the M365 one.
T1 = ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "Contoso Ltd")
T2 = ("7c9e6679-7425-40de-944b-e07fc1f90ae7", "Contoso Ltd")  # same name, another tenant
T3 = ("b1a2c3d4-1111-4a2b-8c3d-5e6f7a8b9c0d", "Fabrikam, Inc.")
T4 = ("0e8d1c2b-2222-4b3c-9d4e-6f7a8b9c0d1e", "Northwind Traders")
T5 = ("5d4c3b2a-3333-4c5d-8e6f-7a8b9c0d1e2f", "Adventure Works")
T6 = ("9a8b7c6d-4444-4d6e-9f70-8b9c0d1e2f30", "Woodgrove Bank")
T7 = ("E2D3C4B5-5555-4E7F-A081-9C0D1E2F3041", "")
T8 = ("c4d5e6f7-6666-4f80-b192-0d1e2f304152", "Litware Inc.")
T9 = ("1f2e3d4c-7777-4091-a2b3-1e2f30415263", "Adventure Works")  # no eligible usage
# Two Tailspin Toys tenants whose ids share their first 8 characters. T11's M365 rows
# still carry its older name; its only Azure row (2026-10, after the history's end)
# has the new one, which makes the two names equal.
T10 = ("8d7e6f5a-9b0c-4d1e-8f2a-3b4c5d6e7f80", "Tailspin Toys")
T11 = ("8d7e6f5a-0c1d-4e2f-9a3b-4c5d6e7f8091", "Tailspin Toys")
T11_OLD_NAME = "Tailspin Toys Ltd"
# A customer whose name in Partner Center is T1's name with its id added (the name
# `pcsim import` would give T1 if only the two Contoso Ltd tenants shared a name).
T12 = ("a0b1c2d3-8888-4a5b-9c6d-7e8f90a1b2c3", "Contoso Ltd (3f2504e0)")

# Months 2025-09 .. 2026-10: index i = 0 .. 13.
MONTHS = [(2025, 9), (2025, 10), (2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]


def sub(tenant, tag):
    """A stable made-up subscription id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "pcsim-fixture/%s/%s" % (tenant[0], tag)))


def azure_rows():
    """(month, tenant id, name, subscription, service, attribution, offer, acr, location)"""
    rows = []

    def add(i, tenant, tag, service, attribution, offer, acr, location="westeurope", name=None):
        rows.append((MONTHS[i], tenant[0], tenant[1] if name is None else name,
                     sub(tenant, tag), service, attribution, offer, D(acr), location))

    for i, (year, _) in enumerate(MONTHS):
        old = year == 2025  # the 2025 download still carries the older service names
        # T1 Contoso Ltd: PAL, pay-as-you-go, security services plus VMs.
        defender = ("Azure Defender" if i % 2 == 0 else "Security Center") if old \
            else "Microsoft Defender for Cloud"
        add(i, T1, "prod", defender, "PAL", "Pay-As-You-Go", D("412.35") + D("8.5") * i, "eastus")
        add(i, T1, "prod", "Sentinel" if old else "Microsoft Sentinel", "PAL", "Pay-As-You-Go",
            D("250.10") + D("12.25") * i, "eastus")
        add(i, T1, "prod", "Virtual Machines", "PAL", "Pay-As-You-Go", D("1830.00") + 20 * i, "eastus")
        if i % 3 == 0:
            add(i, T1, "prod", "Network Watcher", "PAL", "Pay-As-You-Go", "3.12", "eastus")
        if i == 5:  # a second subscription that is not linked to the partner
            add(i, T1, "lab", "Microsoft Sentinel", "none", "Pay-As-You-Go", "75.00", "eastus")

        # T3 Fabrikam, Inc.: CSP direct bill.
        add(i, T3, "main", "Key Vault", "CSP direct bill", "Azure plan", D("18.7") + D("0.35") * i)
        if i >= 2:
            add(i, T3, "main", "Azure Firewall", "CSP direct bill", "Azure plan", "912.50")
        add(i, T3, "main", "Storage", "CSP direct bill", "Azure plan", "240.00")
        if i in (3, 4):  # a subscription another partner (DPOR) looks after
            add(i, T3, "dpor", "Key Vault", "DPOR", "Azure plan", "5.50")

        # T4 Northwind Traders (renamed "Northwind Traders Ltd" in the 2026 download): CSP 2T.
        name = "Northwind Traders" if old else "Northwind Traders Ltd"
        add(i, T4, "hub", "Azure Firewall", "CSP 2T", "Azure plan", "95.40", name=name)
        add(i, T4, "hub", "Application Gateway", "CSP 2T", "Azure plan",
            D("64.25") + D("1.5") * i, name=name)
        add(i, T4, "hub", "Storage", "CSP 2T", "Azure plan", "45.00", name=name)
        if i == 6:  # 2026-03: a service credit larger than the month's usage
            add(i, T4, "hub", "Azure Firewall", "CSP 2T", "Azure plan", "-250.00", name=name)

        # T6 Woodgrove Bank: CSP indirect reseller, until 2026-04 (i = 7).
        if i <= 7:
            if i == 4:  # 2026-01: the half-cent month
                add(i, T6, "sec", "Key Vault", "CSP indirect reseller", "Azure plan", "120.0025")
                add(i, T6, "sec", "Azure Bastion", "CSP indirect reseller", "Azure plan", "80.0025")
                add(i, T6, "legacy", "Azure Firewall", "Not attributed", "Azure plan", "40.00")
            else:
                add(i, T6, "sec", "Key Vault", "CSP indirect reseller", "Azure plan",
                    D("123.456789") + D("1.1") * i)
                add(i, T6, "sec", "Azure Bastion", "CSP indirect reseller", "Azure plan", "138.70")
            if i >= 5:
                add(i, T6, "sec", "Azure DDoS Protection", "CSP indirect reseller", "Azure plan",
                    "2944.00")
            if i == 1:
                add(i, T6, "trial", "Microsoft Sentinel", "CSP indirect reseller", "Trial", "310.00")
            if i == 5:
                add(i, T6, "grant", "Microsoft Defender for Cloud", "CSP indirect reseller",
                    "Benefit Program", "99.99")

        # T7 (no name): PAL ("Partner Admin Link" in the 2026 download); Sentinel from 2026-03.
        pal = "PAL" if old else "Partner Admin Link"
        add(i, T7, "vm", "Virtual Machines", pal, "Pay-As-You-Go", "640.00", "northeurope")
        if i >= 6:
            add(i, T7, "vm", "Microsoft Sentinel", pal, "Pay-As-You-Go", D("55.55") * (i - 5),
                "northeurope")

        # T9 Adventure Works (the one without eligible usage): a Key Vault of a few tenths
        # of a cent a month.
        add(i, T9, "kv", "Key Vault", "PAL", "Pay-As-You-Go", "0.004")

        # T11 Tailspin Toys: its first Azure usage comes in 2026-10 (after the history's
        # end: dropped, but its name is the newest one).
        if i == 13:
            add(i, T11, "kv", "Key Vault", "CSP 2T", "Azure plan", "12.50")

    # A late correction for 2025-12 that arrived in the 2026 download.
    late = ((2025, 12), T4[0], "Northwind Traders Ltd", sub(T4, "hub"), "Azure Firewall",
            "CSP 2T", "Azure plan", D("-12.34"), "westeurope")
    return rows, late


def month_2025(i, month):
    """The 2025 download writes months three ways."""
    year, mon = month
    return ["%d/1/%d 12:00:00 AM" % (mon, year), "%d-%02d-01" % (year, mon),
            "%d-%02d" % (year, mon)][i % 3]


def month_2026(i, month):
    year, mon = month
    return ["%d-%02d-01T00:00:00Z" % (year, mon), "%d-%02d-01" % (year, mon)][i % 2]


def quote(text):
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write(path, header, rows, sep=","):
    with open(os.path.join(HERE, path), "w", encoding="utf-8", newline="") as f:
        f.write(sep.join(header) + "\r\n")  # Partner Center writes CRLF
        for row in rows:
            f.write(sep.join(quote(str(v)) if sep == "," else str(v) for v in row) + "\r\n")


def main():
    rows, late = azure_rows()
    rows.sort(key=lambda r: (r[0], r[1].lower()))  # by month, then tenant (stable)

    header_2025 = ["PartnerId", "PartnerName", "CustomerTenantId", "CustomerName",
                   "SubscriptionId", "Month", "ServiceName", "ResourceLocation",
                   "PartnerAttributionType", "OfferType", "MonthlySubscriptionLevelACR",
                   "Currency"]
    out = []
    for i, r in enumerate(x for x in rows if x[0][0] == 2025):
        month, tenant, name, subscription, service, attribution, offer, acr, location = r
        out.append([PARTNER_ID, PARTNER_NAME, tenant, name, subscription, month_2025(i, month),
                    service, location, attribution, offer, acr, "USD"])
    write("azure-2025.csv", header_2025, out)

    header_2026 = ["monthStartDate", "PARTNERID", "customerTenantID", "CUSTOMER_NAME",
                   "meterCategory", "Attribution Type", "offerName", "subscriptionId",
                   "TotalACR", "currency"]
    out = []
    for i, r in enumerate(x for x in rows if x[0][0] == 2026):
        month, tenant, name, subscription, service, attribution, offer, acr, location = r
        out.append([month_2026(i, month), PARTNER_ID, tenant, name, service, attribution,
                    offer, subscription, acr, "USD"])
        if month == (2026, 3) and late is not None:  # after the first 2026-03 row
            month, tenant, name, subscription, service, attribution, offer, acr, location = late
            out.append(["12/1/2025 12:00:00 AM", PARTNER_ID, tenant, name, service, attribution,
                        offer, subscription, acr, "USD"])
            late = None
    write("azure-2026.csv", header_2026, out)

    write("m365.tsv", ["PartnerId", "CustomerTenantId", "CustomerName", "Month",
                       "WorkloadName", "PaidAvailableUnits", "MonthlyActiveUsers",
                       "PartnerAttributionType", "ProductName"], m365_rows(), sep="\t")


def m365_rows():
    """Rows by tenant, then month, 2025-09 .. 2026-09 (i = 0 .. 12): one month less than
    the Azure downloads, so 2026-10's Azure rows are dropped."""
    out = []

    def add(i, tenant, workload, units, active, attribution, product, name=None):
        year, mon = MONTHS[i]
        out.append([PARTNER_ID, tenant[0], tenant[1] if name is None else name,
                    "01/%02d/%d 00:00" % (mon, year),  # day/month/year, as a European Excel writes it
                    workload, units, active, attribution, product])

    for i in range(13):
        old = MONTHS[i][0] == 2025
        # T2 Contoso Ltd (the second one): an SMB customer from 2025-11, CSP 1T.
        if i >= 2:
            attribution = "CSP 1T" if old else "CSP Tier1"
            add(i, T2, "Microsoft Entra ID P1", 40 + 2 * (i - 2), 31 + (i - 2), attribution,
                "Microsoft 365 Business Premium")
            add(i, T2, "Microsoft Defender for Office 365", 40 + 2 * (i - 2), 28, attribution,
                "Microsoft 365 Business Premium")
            add(i, T2, "Exchange", 55, 50, attribution, "Exchange Online (Plan 1)")
    for i in range(13):
        # T3 Fabrikam (the M365 download spells it without the comma): CPOR; seats cross
        # 300 in 2026-06 (i = 9), where Intune comes in two rows (two subscriptions).
        add(i, T3, "Microsoft Entra ID P1", 250 + 6 * i, 190 + 5 * i, "CPOR",
            "Microsoft 365 E3", name="Fabrikam Inc")
        if i == 9:
            add(i, T3, "Intune", 180, 120, "CPOR", "Microsoft 365 E3", name="Fabrikam Inc")
            add(i, T3, "Intune", 160, 110, "CPOR", "Enterprise Mobility + Security E3",
                name="Fabrikam Inc")
        else:
            add(i, T3, "Intune", 200 + 4 * i, 150 + 3 * i, "CPOR", "Microsoft 365 E3",
                name="Fabrikam Inc")
        add(i, T3, "Microsoft Defender for Office 365", 220, 140, "CPOR",
            "Microsoft Defender for Office 365 (Plan 2)", name="Fabrikam Inc")
    for i in range(13):
        # T5 Adventure Works: DPOR until 2025-11, CPOR from 2025-12, DPOR again in 2026-07.
        attribution = "DPOR" if i <= 2 or i == 10 else "CPOR"
        old = MONTHS[i][0] == 2025
        add(i, T5, "Azure AD Premium P1" if old else "Microsoft Entra ID P1", 85, 60 + i,
            attribution, "Microsoft 365 Business Premium")
        add(i, T5, "Microsoft Defender for Endpoint P2" if old
            else "Microsoft Defender for Endpoint Plan 2", 70, 52, attribution,
            "Microsoft Defender for Endpoint P2")
    for i in range(13):
        # T6 Woodgrove Bank: only Exchange (not eligible), CSP Tier1.
        add(i, T6, "Exchange", 900, 870, "CSP Tier1", "Exchange Online (Plan 2)")
    for i in range(8, 13):
        # T7 (no name, id in lower case): a bare "Microsoft Defender for Endpoint" (not
        # eligible: plan unknown) from 2026-05, CSP 1T.
        add(i, (T7[0].lower(), ""), "Microsoft Defender for Endpoint", 25, 19, "CSP 1T",
            "Microsoft Defender for Endpoint")
    for i in range(13):
        # T8 Litware Inc.: CSP Tier1; Defender for Endpoint Plan 2 is the largest eligible
        # workload; active users come with a half (an average), so the sum ends in .5.
        old = MONTHS[i][0] == 2025
        add(i, T8, "Microsoft Defender for Endpoint P2" if old
            else "Microsoft Defender for Endpoint Plan 2", 150 + 5 * i, D("100.5") + i,
            "CSP Tier1", "Microsoft 365 E5 Security")
        add(i, T8, "Microsoft Defender for Endpoint", 200, 160, "CSP Tier1",
            "Microsoft Defender for Business")
        add(i, T8, "Exchange", 400, 380, "CSP Tier1", "Exchange Online (Plan 1)")
        add(i, T8, "Microsoft Defender for Office 365", 120, 40, "CSP Tier1",
            "Microsoft Defender for Office 365 (Plan 1)")
    for i in range(13):
        # T9 Adventure Works (the other one): Intune, but another partner is DPOR.
        add(i, T9, "Intune", 25, 20, "DPOR", "Microsoft Intune Plan 1")
    for i in range(4, 13):
        # T10 Tailspin Toys: Entra ID P1 from 2026-01, CSP Tier1.
        add(i, T10, "Microsoft Entra ID P1", 60, 45, "CSP Tier1",
            "Microsoft 365 Business Premium")
    for i in range(7, 13):
        # T11 Tailspin Toys (still "Tailspin Toys Ltd" here): Intune from 2026-04, CSP 2T.
        add(i, T11, "Intune", 30, 22 + (i - 7), "CSP 2T", "Microsoft Intune Plan 1",
            name=T11_OLD_NAME)
    for i in range(9, 13):
        # T12 "Contoso Ltd (3f2504e0)": Defender for Office 365 from 2026-06, CSP Tier1.
        add(i, T12, "Microsoft Defender for Office 365", 15, 9, "CSP Tier1",
            "Microsoft Defender for Office 365 (Plan 1)")
    return out


if __name__ == "__main__":
    main()
