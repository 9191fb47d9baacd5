"""
Who is in the demo: the seven well-known accounts of the design's contract, and about 150
synthetic officers who fill the cohorts. The officers are generated from a fixed seed, so every
run produces the same people with the same e-mail addresses and personal numbers.
"""

import random
from dataclasses import dataclass

from django.utils.text import slugify

from academy.models import Membership

Role = Membership.Role

# Published in the README on purpose: seed_demo only runs in demo mode.
DEMO_PASSWORD = "Demo-Academy-2026"  # noqa: S105
# Every demo account with a role must sign in with a second factor (academy.mfa); they share
# this authenticator app secret, published with the password. Add it to an authenticator app,
# or let `manage.py demo_mfa_code EMAIL` print the current code.
DEMO_TOTP_SECRET = "KSGDEMOACADEMYKSGDEMOACADEMYKSGD"  # noqa: S105

SD_ICT = "state-department-for-ict-and-digital-economy"
MINISTRY_ICT = "ministry-of-information-communications-and-the-digital-economy"
NATIONAL_TREASURY = "the-national-treasury"
TREASURY_MINISTRY = "the-national-treasury-and-economic-planning"
KSG = "kenya-school-of-government"
HUAWEI = "huawei-technologies-kenya-co-ltd"


@dataclass(frozen=True)
class Profile:
    personal_number: str
    organisation: str  # slug
    job_group: str
    designation: str
    duty_station: str  # county name


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    profile: Profile | None = None
    # (role, organisation slug or None)
    memberships: tuple = ()
    is_staff: bool = False
    groups: tuple = ()
    preferred_language: str = "en"


KSG_STAFF_GROUP = "KSG staff"

DEMO_ACCOUNTS = (
    Person(
        email="wanjiku@ict.demo.go.ke",
        full_name="Wanjiku Kamau",
        profile=Profile("2019001234", SD_ICT, "K", "ICT Officer I", "Nairobi City"),
    ),
    Person(
        email="otieno@treasury.demo.go.ke",
        full_name="Otieno Odhiambo",
        profile=Profile("2017005678", NATIONAL_TREASURY, "M", "Senior Economist", "Nairobi City"),
    ),
    Person(
        email="hr@ict.demo.go.ke",
        full_name="Akinyi Njeri",
        profile=Profile(
            "2012003456",
            MINISTRY_ICT,
            "M",
            "Principal Human Resource Management Officer",
            "Nairobi City",
        ),
        memberships=((Role.TRAINING_OFFICER, MINISTRY_ICT),),
    ),
    Person(
        email="hr@treasury.demo.go.ke",
        full_name="Mutua Kiprono",
        memberships=((Role.TRAINING_OFFICER, TREASURY_MINISTRY),),
    ),
    Person(
        email="staff@ksg.demo.ac.ke",
        full_name="Chebet Wafula",
        memberships=((Role.KSG_STAFF, None),),
        is_staff=True,
        groups=(KSG_STAFF_GROUP,),
    ),
    Person(
        email="trainer@ksg.demo.ac.ke",
        full_name="Baraka Mwangi",
        memberships=((Role.FACILITATOR, None),),
    ),
    Person(
        email="reviewer@huawei.demo.co.ke",
        full_name="Li Wei",
        memberships=((Role.PARTNER_REVIEWER, HUAWEI),),
    ),
)

TRAINER_EMAIL = "trainer@ksg.demo.ac.ke"

# Where the synthetic officers work: (organisation slug, e-mail subdomain, how many).
OFFICER_POSTINGS = (
    (SD_ICT, "ict", 14),
    ("state-department-for-broadcasting-and-telecommunications", "broadcasting", 5),
    (NATIONAL_TREASURY, "treasury", 12),
    ("state-department-for-economic-planning", "planning", 8),
    ("state-department-for-public-service-and-human-capital-development", "publicservice", 8),
    ("state-department-for-devolution", "devolution", 4),
    ("state-department-for-immigration-and-citizen-services", "immigration", 6),
    ("state-department-for-medical-services", "health", 6),
    ("state-department-for-basic-education", "education", 5),
    ("state-department-for-agriculture", "kilimo", 5),
    ("state-department-for-lands-and-physical-planning", "lands", 5),
    ("county-government-of-nairobi-city", "nairobi", 8),
    ("county-government-of-mombasa", "mombasa", 6),
    ("county-government-of-kisumu", "kisumu", 5),
    ("county-government-of-nakuru", "nakuru", 5),
    ("county-government-of-kiambu", "kiambu", 4),
    ("county-government-of-machakos", "machakos", 4),
    ("county-government-of-uasin-gishu", "uasingishu", 4),
    ("county-government-of-kakamega", "kakamega", 4),
    ("county-government-of-garissa", "garissa", 3),
    ("county-government-of-embu", "embu", 3),
    ("county-government-of-baringo", "baringo", 3),
    ("county-government-of-kwale", "kwale", 3),
    ("ict-authority", "icta", 5),
    ("kenya-revenue-authority", "kra", 6),
    ("public-service-commission", "psc", 3),
    ("office-of-the-data-protection-commissioner", "odpc", 3),
    ("kenya-national-bureau-of-statistics", "knbs", 3),
)

# Job groups of the synthetic officers, weighted towards the middle grades where most of the
# academy's participants are; enough senior officers (P and above) to fill leadership courses.
JOB_GROUP_MIX = (
    ("G", 8),
    ("H", 12),
    ("J", 20),
    ("K", 25),
    ("L", 22),
    ("M", 20),
    ("N", 15),
    ("P", 12),
    ("Q", 8),
    ("R", 5),
    ("S", 3),
)

DESIGNATIONS = {
    "G": ["Clerical Officer", "Office Administrative Assistant III", "Customer Care Assistant"],
    "H": [
        "Senior Clerical Officer",
        "Office Administrative Assistant II",
        "Records Management Officer III",
        "ICT Assistant",
        "Accounts Assistant",
    ],
    "J": [
        "ICT Officer II",
        "Economist II",
        "Accountant II",
        "Human Resource Management Officer II",
        "Supply Chain Management Officer II",
        "Public Communications Officer II",
    ],
    "K": [
        "ICT Officer I",
        "Economist I",
        "Accountant I",
        "Human Resource Management Officer I",
        "Statistician I",
        "Records Management Officer I",
    ],
    "L": [
        "Senior ICT Officer",
        "Senior Accountant",
        "Senior Human Resource Management Officer",
        "Senior Supply Chain Management Officer",
        "Senior Statistician",
        "Senior Public Communications Officer",
    ],
    "M": [
        "Principal ICT Officer",
        "Senior Economist",
        "Principal Accountant",
        "Principal Human Resource Management Officer",
        "Principal Records Management Officer",
    ],
    "N": [
        "Chief ICT Officer",
        "Chief Economist",
        "Chief Accountant",
        "Assistant Director, Human Resource Management",
    ],
    "P": [
        "Deputy Director, ICT",
        "Deputy Director, Economic Planning",
        "Deputy Director, Finance",
        "Deputy Director, Human Resource Management",
    ],
    "Q": [
        "Senior Deputy Director, ICT",
        "Senior Deputy Director, Planning",
        "Senior Deputy Director, Finance",
    ],
    "R": ["Director, ICT", "Director, Economic Planning", "Director, Human Resource Management"],
    "S": ["Senior Director, Digital Economy", "Senior Director, Public Finance"],
}
# County public service titles, used only for officers of county governments.
COUNTY_DESIGNATIONS = {
    "K": ["Ward Administrator"],
    "M": ["Sub-County Administrator"],
    "R": ["Director, County ICT", "Director, County Planning"],
    "S": ["County Chief Officer, ICT and e-Government", "County Chief Officer, Finance"],
}

# Names of some of Kenya's communities: (women's names, men's names, family names).
NAME_POOLS = {
    "kikuyu": (
        ["Wanjiru", "Wambui", "Nyokabi", "Njeri", "Grace", "Lucy", "Esther", "Jane"],
        ["Kamau", "Mwangi", "Njoroge", "Kariuki", "Peter", "John", "Joseph", "Samuel"],
        ["Kamau", "Mwangi", "Njoroge", "Kariuki", "Kimani", "Githinji", "Macharia", "Ndungu"],
    ),
    "luo": (
        ["Akinyi", "Achieng", "Atieno", "Adhiambo", "Awino", "Caroline", "Beatrice"],
        ["Otieno", "Ochieng", "Onyango", "Owino", "Kevin", "George", "Collins"],
        ["Odhiambo", "Onyango", "Ochieng", "Owino", "Okoth", "Omondi", "Ouma", "Otieno"],
    ),
    "kalenjin": (
        ["Chebet", "Jepkosgei", "Chepkemoi", "Jerotich", "Cherono", "Sharon", "Winnie"],
        ["Kiprono", "Kipchumba", "Kibet", "Kiptoo", "Dennis", "Brian"],
        ["Koech", "Rotich", "Cheruiyot", "Kiptoo", "Langat", "Kirui", "Sang", "Bett"],
    ),
    "luhya": (
        ["Nafula", "Nekesa", "Naliaka", "Mercy", "Irene"],
        ["Wafula", "Wanjala", "Barasa", "Victor", "Felix"],
        ["Wafula", "Wanjala", "Barasa", "Simiyu", "Wekesa", "Makokha", "Shikuku", "Masinde"],
    ),
    "kamba": (
        ["Mwende", "Mumbua", "Ndunge", "Mutheu", "Faith", "Ruth"],
        ["Mutua", "Musyoka", "Kioko", "Stephen", "Daniel"],
        ["Mutua", "Musyoka", "Kioko", "Mutiso", "Nzioka", "Muthama", "Kilonzo", "Wambua"],
    ),
    "meru_embu": (
        ["Kendi", "Gatwiri", "Makena", "Kagendo", "Purity"],
        ["Kirimi", "Mugambi", "Murithi", "Eric", "Martin"],
        ["Kirimi", "Mugambi", "Murithi", "Njue", "Nyaga", "Muriuki", "Mwenda", "Kinyua"],
    ),
    "kisii": (
        ["Kerubo", "Moraa", "Nyaboke", "Kemunto", "Naomi"],
        ["Onsongo", "Nyamweya", "Evans", "Dennis"],
        ["Onsongo", "Nyamweya", "Ogeto", "Momanyi", "Nyakundi", "Ondieki", "Mogaka", "Omwenga"],
    ),
    "coast": (
        ["Mwanajuma", "Zawadi", "Rehema", "Kadzo", "Fatuma"],
        ["Kazungu", "Kahindi", "Charo", "Juma", "Said"],
        ["Kazungu", "Kahindi", "Charo", "Baya", "Mwamburi", "Said", "Omar", "Mwinyi"],
    ),
    "somali": (
        ["Halima", "Amina", "Hodan", "Sahra", "Fatuma"],
        ["Abdi", "Hassan", "Mohamed", "Yusuf", "Ibrahim"],
        ["Abdi", "Hassan", "Mohamed", "Farah", "Ali", "Ahmed", "Osman", "Hussein"],
    ),
    "maasai": (
        ["Naserian", "Nashipae", "Resiato", "Sianoi"],
        ["Sankale", "Lemayian", "Parsimei"],
        ["Sankale", "Lemayian", "Parsimei", "Sempele", "Kores"],
    ),
}
# Officers of a county government mostly come from the communities of that county.
LOCAL_COMMUNITIES = {
    "Mombasa": ["coast"],
    "Kwale": ["coast"],
    "Kisumu": ["luo"],
    "Kakamega": ["luhya"],
    "Nakuru": ["kalenjin", "kikuyu"],
    "Uasin Gishu": ["kalenjin"],
    "Baringo": ["kalenjin"],
    "Machakos": ["kamba"],
    "Embu": ["meru_embu"],
    "Kiambu": ["kikuyu"],
    "Garissa": ["somali"],
}
# Duty stations of national officers posted outside Nairobi.
FIELD_STATIONS = (
    "Mombasa",
    "Kisumu",
    "Nakuru",
    "Uasin Gishu",
    "Nyeri",
    "Machakos",
    "Kakamega",
    "Meru",
)

SEED = 2026


def synthetic_officers(county_of: dict[str, str]) -> list[Person]:
    """The demo officers; ``county_of`` maps a county government's slug to its county name."""
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    grades = [grade for grade, count in JOB_GROUP_MIX for _ in range(count)]
    postings = [(slug, sub) for slug, sub, count in OFFICER_POSTINGS for _ in range(count)]
    rng.shuffle(grades)
    officers, emails = [], set()
    for serial, ((slug, subdomain), grade) in enumerate(zip(postings, grades, strict=True)):
        county = county_of.get(slug)
        if county and county in LOCAL_COMMUNITIES and rng.random() < 0.75:
            community = rng.choice(LOCAL_COMMUNITIES[county])
        else:
            community = rng.choice(sorted(NAME_POOLS))
        women, men, families = NAME_POOLS[community]
        first = rng.choice(women if rng.random() < 0.5 else men)
        family = rng.choice([name for name in families if name != first])
        local = f"{slugify(first)}.{slugify(family)}".replace("-", "")
        email = f"{local}@{subdomain}.demo.go.ke"
        suffix = 2
        while email in emails:
            email = f"{local}{suffix}@{subdomain}.demo.go.ke"
            suffix += 1
        emails.add(email)

        titles = DESIGNATIONS[grade] + (COUNTY_DESIGNATIONS.get(grade, []) if county else [])
        station = county or ("Nairobi City" if rng.random() < 0.75 else rng.choice(FIELD_STATIONS))
        # Senior officers joined the service earlier; the year leads the personal number.
        joined = 2024 - rng.randint(1, 5) - _seniority(grade)
        officers.append(
            Person(
                email=email,
                full_name=f"{first} {family}",
                profile=Profile(
                    personal_number=f"{joined}{100001 + serial:06d}",
                    organisation=slug,
                    job_group=grade,
                    designation=rng.choice(titles),
                    duty_station=station,
                ),
                preferred_language="sw" if rng.random() < 0.1 else "en",
            )
        )
    return officers


def _seniority(grade: str) -> int:
    return {"G": 0, "H": 1, "J": 2, "K": 3, "L": 5, "M": 7, "N": 9, "P": 11}.get(grade, 13)
