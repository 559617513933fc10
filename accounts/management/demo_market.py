"""Who exists in the demo market (``seed_demo``): staff, Account Managers, the MPs by segment and the names their
contacts are drawn from. Data only; :mod:`accounts.management.demo_plan` decides from it who gets what."""

from __future__ import annotations

from accounts.models import ContactRole, ParticipantStatus
from accounts.roles import StaffGroup

SUPERUSER = ("admin@ercot.example", "Site Administrator", "System Administrator")

ACCOUNT_MANAGERS = [
    ("am.garcia@ercot.example", "Maria Garcia"),
    ("am.whitfield@ercot.example", "James Whitfield"),
    ("am.raman@ercot.example", "Priya Raman"),
    ("am.okafor@ercot.example", "Daniel Okafor"),
    ("am.castillo@ercot.example", "Laura Castillo"),
    ("am.nguyen@ercot.example", "Kevin Nguyen"),
]

# (email, full name, job title, group)
OTHER_STAFF = [
    ("lead@ercot.example", "Rebecca Holloway", "Manager, Client Services", StaffGroup.CLIENT_SERVICES_LEAD),
    ("retailops@ercot.example", "Tomas Herrera", "Retail Market Operations Analyst", StaffGroup.RETAIL_OPERATIONS),
    (
        "flightadmin@ercot.example",
        "Angela Brooks",
        "Retail Market Testing Flight Administrator",
        StaffGroup.FLIGHT_ADMINISTRATOR,
    ),
    ("servicedesk@ercot.example", "Marcus Lee", "Service Desk Analyst", StaffGroup.SERVICE_DESK),
    (
        "mass.analyst@ercot.example",
        "Priya Shah",
        "Market Application Support Analyst",
        StaffGroup.MARKET_APPLICATION_SUPPORT,
    ),
    ("publisher1@ercot.example", "Sandra Whitaker", "Market Communications Specialist", StaffGroup.NOTICE_PUBLISHER),
    ("publisher2@ercot.example", "Victor Ramos", "Market Communications Specialist", StaffGroup.NOTICE_PUBLISHER),
]

COMPETITIVE_TERRITORIES = ["ONCOR", "CNP", "AEP-TCC", "AEP-TNC", "TNMP", "LPL"]

# (short name, legal name, mail domain, city)
TDSPS = [
    ("ONCOR", "Oncor Electric Delivery Company LLC", "oncor.example", "Dallas"),
    ("CNP", "CenterPoint Energy Houston Electric, LLC", "centerpoint.example", "Houston"),
    ("AEP-TCC", "AEP Texas Central Company", "aeptexas.example", "Corpus Christi"),
    ("AEP-TNC", "AEP Texas North Company", "aeptexas.example", "Abilene"),
    ("TNMP", "Texas-New Mexico Power Company", "tnmp.example", "Lewisville"),
    ("LPL", "Lubbock Power & Light", "lpl.example", "Lubbock"),
]

# (short name, legal name, mail domain, city, status)
REPS = [
    ("BLUEBONNET", "Bluebonnet Power LLC", "bluebonnetpower.example", "Austin", ParticipantStatus.ACTIVE),
    ("LSRE", "Lone Star Retail Energy LLC", "lonestarretail.example", "Houston", ParticipantStatus.ACTIVE),
    ("PECOS", "Pecos Valley Electric LLC", "pecosvalley.example", "Midland", ParticipantStatus.ACTIVE),
    ("GCPL", "Gulf Coast Power & Light Co.", "gulfcoastpl.example", "Galveston", ParticipantStatus.ACTIVE),
    ("HILLCOUNTRY", "Hill Country Energy LLC", "hillcountryenergy.example", "Kerrville", ParticipantStatus.ACTIVE),
    ("BRAZOS", "Brazos Home Power LLC", "brazoshome.example", "Waco", ParticipantStatus.ACTIVE),
    ("PRAIRIEWIND", "Prairie Wind Retail LLC", "prairiewind.example", "Amarillo", ParticipantStatus.REGISTERING),
    ("CAPROCK", "Caprock Electric Supply LLC", "caprockelectric.example", "Lubbock", ParticipantStatus.QUALIFYING),
    ("TRINITY", "Trinity River Energy LLC", "trinityriver.example", "Fort Worth", ParticipantStatus.ACTIVE),
    ("MESQUITE", "Mesquite Power Company", "mesquitepower.example", "Mesquite", ParticipantStatus.ACTIVE),
    ("BIGSKY", "Big Sky Texas Energy LLC", "bigskytexas.example", "San Angelo", ParticipantStatus.ACTIVE),
    ("ALAMO", "Alamo City Electric LLC", "alamocityelectric.example", "San Antonio", ParticipantStatus.ACTIVE),
    ("GULFSTREAM", "Gulfstream Retail Power LLC", "gulfstreampower.example", "Beaumont", ParticipantStatus.ACTIVE),
    ("PINEYWOODS", "Piney Woods Power LLC", "pineywoodspower.example", "Tyler", ParticipantStatus.ACTIVE),
    (
        "REDRIVER",
        "Red River Retail Electric LLC",
        "redriverelectric.example",
        "Wichita Falls",
        ParticipantStatus.ACTIVE,
    ),
    ("LONGHORN", "Longhorn Light & Power LLC", "longhornlp.example", "College Station", ParticipantStatus.ACTIVE),
    ("COASTALBEND", "Coastal Bend Energy LLC", "coastalbend.example", "Corpus Christi", ParticipantStatus.ACTIVE),
    ("PANHANDLE", "Panhandle Plains Power LLC", "panhandleplains.example", "Amarillo", ParticipantStatus.ACTIVE),
    ("LANTANA", "Lantana Energy LLC", "lantanaenergy.example", "Denton", ParticipantStatus.REGISTERING),
    ("SABINE", "Sabine Electric Retail LLC", "sabineelectric.example", "Orange", ParticipantStatus.QUALIFYING),
]

# (short name, legal name, mail domain, city, roles, status)
WHOLESALE = [
    # The Bluebonnet affiliate shares its Authorized Representative with the REP (portal MP switcher).
    ("BBES", "Bluebonnet Energy Services LLC", "bluebonnetpower.example", "Austin", ["QSE"], ParticipantStatus.ACTIVE),
    (
        "PERMIANGEN",
        "Permian Basin Generation LP",
        "permiangen.example",
        "Odessa",
        ["QSE", "RE"],
        ParticipantStatus.ACTIVE,
    ),
    (
        "WTXWIND",
        "West Texas Wind Partners LLC",
        "westtexaswind.example",
        "Sweetwater",
        ["QSE", "RE"],
        ParticipantStatus.ACTIVE,
    ),
    (
        "GCSS",
        "Gulf Coast Scheduling Services LLC",
        "gcscheduling.example",
        "Houston",
        ["QSE"],
        ParticipantStatus.ACTIVE,
    ),
    ("REDOAK", "Red Oak Capital Trading LLC", "redoakcapital.example", "Dallas", ["CRRAH"], ParticipantStatus.ACTIVE),
    (
        "BLACKLAND",
        "Blackland Prairie Hedging LLC",
        "blacklandhedging.example",
        "Austin",
        ["CRRAH"],
        ParticipantStatus.ACTIVE,
    ),
]

# Potential MPs that contacted Client Relations through the Service Desk: no AM yet.
PROSPECTS = [
    ("SUNDANCE", "Sundance Solar Retail LLC", "sundancesolar.example", "El Paso", ["REP", "LSE"]),
    ("CYPRESS", "Cypress Creek Energy Storage LLC", "cypresscreekstorage.example", "Houston", ["RE"]),
]

SHARED_AR = {"BBES": "BLUEBONNET"}  # MP -> MP whose Authorized Representative it shares

FIRST_NAMES = [
    "Alicia",
    "Ben",
    "Carla",
    "Derek",
    "Elena",
    "Frank",
    "Gabriela",
    "Hector",
    "Irene",
    "Jason",
    "Karen",
    "Luis",
    "Megan",
    "Nathan",
    "Olivia",
    "Paul",
    "Rosa",
    "Samuel",
    "Tanya",
    "Victor",
    "Wendy",
    "Adrian",
    "Brenda",
    "Carlos",
    "Diana",
    "Eric",
    "Fiona",
    "Grant",
    "Holly",
    "Ivan",
    "Julia",
    "Kyle",
    "Lena",
    "Marco",
    "Nora",
    "Oscar",
    "Rachel",
    "Scott",
    "Teresa",
    "Wade",
]
LAST_NAMES = [
    "Anderson",
    "Baker",
    "Chavez",
    "Dawson",
    "Estrada",
    "Fowler",
    "Gonzalez",
    "Harper",
    "Ingram",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Morales",
    "Nichols",
    "Ortiz",
    "Patel",
    "Quintero",
    "Reyes",
    "Sullivan",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Walker",
    "Young",
    "Zamora",
    "Bishop",
    "Carter",
    "Delgado",
    "Ellis",
    "Flores",
    "Guerrero",
    "Hoffman",
    "Iverson",
    "Kim",
    "Lambert",
    "Medina",
    "Nolan",
    "Pham",
    "Rios",
    "Sandoval",
]
STREETS = ["Congress Ave", "Main St", "Commerce St", "Louisiana St", "Broadway", "Texas Ave", "University Blvd"]
AREA_CODES = {
    "Austin": "512",
    "Houston": "713",
    "Dallas": "214",
    "Fort Worth": "817",
    "San Antonio": "210",
    "Corpus Christi": "361",
    "Lubbock": "806",
    "Amarillo": "806",
    "Midland": "432",
    "Odessa": "432",
}

CONTACT_TITLES = {
    ContactRole.AUTHORIZED_REPRESENTATIVE: [
        "Vice President, Regulatory Affairs",
        "Director of Market Operations",
        "Chief Operating Officer",
    ],
    ContactRole.BACKUP_AUTHORIZED_REPRESENTATIVE: ["Manager, Market Operations", "Regulatory Compliance Manager"],
    ContactRole.CREDIT: ["Credit Manager", "Treasury Analyst"],
    ContactRole.SETTLEMENT: ["Settlement Analyst", "Settlements Manager"],
    ContactRole.TECHNICAL: ["EDI Technical Lead", "Market Systems Engineer"],
    ContactRole.USER_SECURITY_ADMINISTRATOR: ["IT Security Administrator", "Systems Administrator"],
}
EXTRA_ROLES = [
    ContactRole.CREDIT,
    ContactRole.SETTLEMENT,
    ContactRole.TECHNICAL,
    ContactRole.USER_SECURITY_ADMINISTRATOR,
]

REASSIGN_REASONS = [
    "Book rebalanced across the Client Services team",
    "Previous AM moved to the wholesale portfolio",
    "Coverage realigned by market segment",
    "Previous AM on extended leave; permanent handover",
    "Participant entered a new service territory; moved to the AM covering it",
]
