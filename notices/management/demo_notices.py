"""The demo notices' text (``seed_demo``): seed 003's notice verbatim and, per notice type, its scope, audience
and a few notices of that type. Data only; :mod:`notices.management.seed_notices` publishes them."""

from __future__ import annotations

import datetime

# Seed 003, verbatim (the contact is the default contact: the same sentence, with the Client Services address
# where the list archive printed "[log in to unmask]").
SEED_003 = {
    "notice_id": "M-042424-01",
    "notice_date": datetime.date(2024, 4, 24),
    "type": "Financial/Credit",
    "scope": "M",
    "short_description": "Total potential exposure (TPE) calculations affected by ERS resettlements",
    "days_affected": "April 23, 2024",
    "long_description": (
        "On April 22, 2024, ERCOT issued Market Notice W-A042224-01 Settlements: Resettlement for the ERS Standard "
        "Contract Term of June 01, 2023 \u2013 September 30, 2023.\u00a0 The respective true-up statements issued on "
        "April 22, 2024 included the ERS resettlements described in the above Market Notice for the Operating Day "
        "October 24, 2023. These ERS resettlement amounts flowed into the Unbilled True Up Amounts (UTA) component of "
        "Estimated Aggregate Liability (EAL), as reflected on the reports posted on April 23, 2024. Protocol Section, "
        "Determination of Counter-Party Estimated Aggregate Liability, allows exclusion of specific Operating Days to "
        "calculate Outstanding Unpaid Transactions (OUT). ERCOT\u2019s practice has been to remove ERS final "
        "settlements from EAL due to it being captured in Unbilled Final Amounts (UFA), which is a result of "
        "extrapolation of these amounts over 55 days. Since the subject ERS settlement error is reported under UTA "
        "rather than UFA, it is causing even larger than normal impact on EAL due to it being extrapolated over 180 "
        "days instead of 55 days. Both UFA and UTA are components of OUT. Therefore, per Section ERCOT has removed the "
        "affected Operating Day from the UTA/EAL calculations. This change took effect on reports published today, "
        "April 24, 2024."
    ),
    "action_required": (
        "Counter-Parties should review their revised ACL Summary and TPE Summary reports published in the ERCOT MIS."
    ),
}

# notice type → (scope, audience codes, [(short description, long description, action required)])
CATALOGUE = {
    "Financial/Credit": (
        "M",
        [],
        [
            (
                "Collateral requirements updated for the upcoming holiday period",
                "ERCOT will apply the holiday-period **Estimated Aggregate Liability** multipliers to Operating Days in the "
                "affected window. Counter-Parties may see higher Total Potential Exposure (TPE).",
                "Counter-Parties should review their TPE Summary reports and post additional collateral if needed.",
            ),
            (
                "Credit exposure reports delayed",
                "The daily credit exposure reports for the Operating Day were posted late due to a processing delay. "
                "The reports are now available in the MIS.",
                "",
            ),
            (
                "Change to the Independent Amount calculation",
                "As approved by the Board, the Independent Amount calculation changes for Counter-Parties with Resource "
                "Entities. See the attached methodology.",
                "Counter-Parties should review the revised methodology.",
            ),
        ],
    ),
    "Settlements": (
        "W",
        ["QSE", "RE"],
        [
            (
                "Resettlement of Real-Time Market statements",
                "ERCOT will resettle the Real-Time Market statements for the Operating Days listed under DAYS AFFECTED due "
                "to a data error in the Settlement Point Prices.",
                "",
            ),
            (
                "Day-Ahead Market statement posting delayed",
                "The Day-Ahead Market statements for the Operating Day will post later than usual. Invoices are not "
                "affected.",
                "",
            ),
            (
                "True-up statements include ERS resettlements",
                "The true-up statements include the ERS resettlements for the Standard Contract Term.",
                "QSEs should review their true-up statements in the MIS.",
            ),
        ],
    ),
    "Settlements/Legal": (
        "M",
        [],
        [
            (
                "Settlement of an alternative dispute resolution",
                "ERCOT will settle the amounts of a resolved alternative dispute resolution (ADR) proceeding on the next "
                "Resettlement Statement.",
                "",
            ),
        ],
    ),
    "Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Mass transition event: customer drop to Providers of Last Resort",
                "ERCOT initiated a mass transition of Electric Service Identifiers from a REP that exited the market. "
                "Transactions will be sent to the Providers of Last Resort.",
                "Receiving REPs should process the 814_14 transactions and contact the transitioned customers.",
            ),
            (
                "Retail transaction processing delayed",
                "Retail transaction processing was delayed on the day affected. All transactions have since been "
                "processed in order.",
                "",
            ),
            (
                "Change to switch-hold processing",
                "Following the approved Retail Market Guide revision, switch-hold removal requests are processed the same "
                "Business Day.",
                "",
            ),
        ],
    ),
    "Release-Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Retail release: Texas SET version upgrade",
                "ERCOT will implement the Texas SET version upgrade in the retail systems. Market Participants must be "
                "ready to send and receive the new version.",
                "REPs and TDSPs should confirm readiness with their AM.",
            ),
        ],
    ),
    "Testing": (
        "R",
        ["REP"],
        [
            (
                "Retail market testing flight registration open",
                "Registration for the next Retail Market Testing flight is open. New REPs and those changing service "
                "providers must register before the deadline.",
                "Register for the flight in the portal.",
            ),
            (
                "Flight test script changes",
                "The test scripts for the upcoming flight have been revised. See the Retail Market Testing page.",
                "",
            ),
        ],
    ),
    "Operations": (
        "W",
        ["QSE", "RE"],
        [
            (
                "Weather watch issued",
                "ERCOT issued a Weather Watch for the days affected due to forecast cold temperatures and higher demand.",
                "Resource Entities should review their fuel supplies and report changes in availability.",
            ),
            ("Conservation appeal lifted", "The conservation appeal is lifted: reserves have recovered.", ""),
            (
                "Generation resource outage coordination",
                "ERCOT requests that planned resource outages in the affected days be coordinated with Outage "
                "Coordination.",
                "",
            ),
        ],
    ),
    "Outage\u2013Retail": (
        "R",
        ["REP", "TDSP"],
        [
            (
                "Planned outage of the retail transaction systems",
                "The retail transaction systems (NAESB EDM) will be unavailable during the planned maintenance window.",
                "",
            ),
        ],
    ),
    "Outage\u2013Wholesale": (
        "W",
        ["QSE"],
        [
            (
                "Planned outage of the MIS and API",
                "The MIS and the External Web Services will be unavailable during the planned maintenance window.",
                "",
            ),
        ],
    ),
    "Informational": (
        "M",
        [],
        [
            (
                "Market Participant survey open",
                "ERCOT invites Market Participants to take the annual client satisfaction survey.",
                "",
            ),
            (
                "New Client Services phone hours",
                "Client Services phone hours change to 8:00 a.m. to 5:00 p.m. Central on Business Days.",
                "",
            ),
            (
                "Holiday schedule for the coming year",
                "The ERCOT holiday schedule for the coming year is posted. Settlement calendars reflect it.",
                "",
            ),
        ],
    ),
    "Training": (
        "M",
        [],
        [
            (
                "Settlements 101 course: registration open",
                "Registration is open for the Settlements 101 instructor-led course.",
                "",
            ),
            (
                "Credit and collateral webinar",
                "ERCOT hosts a webinar on credit exposure and collateral. Slides will be posted afterwards.",
                "",
            ),
        ],
    ),
}
