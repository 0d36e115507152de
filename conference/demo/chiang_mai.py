"""The Chiang Mai symposium of the product brief (Asia/Bangkok) and the congress co-located with it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from conference.db import db
from conference.demo.common import (
    CONGRESS_SLUG,
    SYMPOSIUM_SLUG,
    DemoDates,
    add_session,
    at,
    link_organisations,
)
from conference.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Series,
)
from conference.sessions.models import Room, SessionKind
from conference.speakers.models import Role

SYMPOSIUM_PARTNERS = [
    ("Leiden Asia Centre", None, "Netherlands"),
    ("Konrad Adenauer Stiftung, Japan Office (Tokyo)", "KAS Tokyo", "Japan"),
    ("Australian Institute of International Affairs", "AIIA", "Australia"),
    ("East-West Center in Washington", None, "United States"),
    ("Gerald R. Ford School of Public Policy, University of Michigan", "Ford School", "United States"),
    ("Mindanao State University", "MSU", "Philippines"),
    ("Central Luzon State University", "CLSU", "Philippines"),
    ("Korea Centre, National University of Singapore", None, "Singapore"),
    ("Brussels School of Governance", None, "Belgium"),
    ("European Centre for Peace and Development", "ECPD", "Serbia"),
]


# The symposium in Japanese and Korean (conference/translations.py): what readers of those languages see.
SYMPOSIUM_TRANSLATIONS = {
    "ja": {
        "title": "アジアにおける人間の安全保障：日韓の視点 — CHSSイニシアティブのためのAASシンポジウム",
        "summary": "日韓共同研究プロジェクト2年目の締めくくりとして、アジア研究協会（AAS）と共にチェンマイ大学で"
        "開催します。",
        "description": "日韓共同プロジェクト「アジアにおける**人間の安全保障**」の2年目は、チェンマイ大学を会場とする、"
        "CHSSイニシアティブのためのアジア研究協会（AAS）の2日間のシンポジウムで締めくくります。\n\n"
        "アジア、ヨーロッパ、オーストラリア、北米の十数の連携機関から研究者と実務家が集い、記憶と和解、移住と労働、"
        "地域の安定について研究成果を発表します。シンポジウムの後には、同じ市内でアジア政治国際学会（APISA）の"
        "大会が開かれます。\n\n"
        "_このデモ用プログラムに掲載されている登壇者は架空の人物です。_",
        "venue_name": "チェンマイ大学 社会科学部",
        "city": "チェンマイ",
        "country": "タイ",
    },
    "ko": {
        "title": "아시아의 인간 안보: 한일의 시각 — CHSS 이니셔티브를 위한 AAS 심포지엄",
        "summary": "한일 공동 연구 프로젝트 2년 차를 마무리하는 행사로, 아시아학회(AAS)와 함께 치앙마이 대학교에서 "
        "개최합니다.",
        "description": "한일 공동 프로젝트 '아시아의 **인간 안보**' 2년 차는 치앙마이 대학교에서 열리는 "
        "CHSS 이니셔티브를 위한 아시아학회(AAS)의 이틀간 심포지엄으로 마무리됩니다.\n\n"
        "아시아, 유럽, 오스트레일리아, 북미의 십여 개 협력 기관에서 온 연구자와 실무자들이 기억과 화해, 이주와 노동, "
        "지역 안정에 관한 연구를 발표합니다. 심포지엄에 이어 같은 도시에서 아시아정치국제학회(APISA) 대회가 "
        "열립니다.\n\n"
        "_이 시연용 프로그램에 소개된 연사는 가상의 인물입니다._",
        "venue_name": "치앙마이 대학교 사회과학대학",
        "city": "치앙마이",
        "country": "태국",
    },
}


def build_symposium(dates: DemoDates) -> Event:
    tz = "Asia/Bangkok"
    day1 = dates.symposium_day
    day2 = day1 + timedelta(days=1)
    series = db.session.scalars(sa.select(Series).where(Series.slug == "japan-korea-human-security")).first()
    if series is None:
        series = Series(
            slug="japan-korea-human-security",
            title="Japan–South Korea dialogue on human security in Asia (three-year project)",
            description="A three-year research and policy-dialogue project of Osaka University's OSIPP with IAFOR "
            "and Ewha Womans University's Graduate School of International Studies.",
        )
    event = Event(
        slug=SYMPOSIUM_SLUG,
        title="Human Security in Asia: Japan–Korea Perspectives — AAS Symposium for the CHSS initiative",
        kind=EventKind.SYMPOSIUM,
        summary="The second-year capstone of a Japan–South Korea research project, held with the Association "
        "for Asian Studies at Chiang Mai University.",
        description=(
            "The second year of our Japan–South Korea project on **human security in Asia** closes with a "
            "two-day symposium of the Association for Asian Studies (AAS) for the CHSS initiative, hosted at "
            "Chiang Mai University.\n\n"
            "Researchers and practitioners from a dozen partner institutions across Asia, Europe, Australia and "
            "North America will present work on memory and reconciliation, migration and labour, and regional "
            "stability. The symposium is followed in the same city by the congress of the Asian Political and "
            "International Studies Association (APISA).\n\n"
            "_The speakers listed for this demonstration programme are fictional._"
        ),
        timezone=tz,
        starts_at=at(day1, "09:00", tz),
        ends_at=at(day2, "20:00", tz),
        venue_name="Chiang Mai University, Faculty of Social Sciences",
        venue_address="239 Huay Kaew Road, Suthep, Mueang",
        city="Chiang Mai",
        country="Thailand",
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://meet.example.org/chss-symposium",
        hashtag="#CHSS",
        status=EventStatus.PUBLISHED,
        series=series,
        capacity_in_person=120,
        capacity_online=300,
        language="en",
        translations=SYMPOSIUM_TRANSLATIONS,
    )
    link_organisations(
        event,
        [
            ("Osaka School of International Public Policy (OSIPP), Osaka University", "OSIPP", "Japan"),
            ("The International Academic Forum (IAFOR)", "IAFOR", "Japan"),
            ("Graduate School of International Studies, Ewha Womans University", "Ewha GSIS", "South Korea"),
            ("Association for Asian Studies", "AAS", "United States"),
        ],
        SYMPOSIUM_PARTNERS,
    )
    auditorium = Room(name="Auditorium", position=0)
    seminar = Room(name="Seminar Room 2", position=1)
    event.rooms = [auditorium, seminar]
    add = add_session
    add(
        event,
        day1,
        "09:00",
        "09:30",
        "Welcome and opening remarks",
        SessionKind.KEYNOTE,
        room=auditorium,
        translations={"ja": {"title": "開会挨拶"}, "ko": {"title": "환영사 및 개회사"}},
        people=[("Aiko Tanaka", Role.CHAIR), ("Min-seo Lee", Role.SPEAKER)],
    )
    add(
        event,
        day1,
        "09:30",
        "10:30",
        "Keynote: human security after the pandemic",
        SessionKind.KEYNOTE,
        room=auditorium,
        description="Why the human-security agenda matters again for East and Southeast Asia.",
        translations={
            "ja": {
                "title": "基調講演：パンデミック後の人間の安全保障",
                "description": "人間の安全保障という課題が、東アジアと東南アジアにとって今あらためて重要である理由。",
            },
            "ko": {
                "title": "기조연설: 팬데믹 이후의 인간 안보",
                "description": "인간 안보라는 의제가 동아시아와 동남아시아에서 다시 중요해진 이유.",
            },
        },
        people=[("Daniel Reyes", Role.KEYNOTE), ("Aiko Tanaka", Role.CHAIR)],
    )
    add(event, day1, "10:30", "11:00", "Coffee break", SessionKind.BREAK)
    add(
        event,
        day1,
        "11:00",
        "12:30",
        "Memory, apology and reconciliation between Japan and Korea",
        SessionKind.PANEL,
        room=seminar,
        capacity=20,
        description="A small-format panel (20 seats) on how societies work through contested pasts.",
        translations={
            "ja": {
                "title": "日韓間の記憶・謝罪・和解",
                "description": "社会が争いのある過去とどう向き合うかを考える少人数のパネル（定員20名）です。",
            },
            "ko": {
                "title": "한일 간의 기억, 사과, 화해",
                "description": "사회가 논쟁적인 과거를 어떻게 다루는지 살펴보는 소규모 패널(20석)입니다.",
            },
        },
        people=[
            ("Min-seo Lee", Role.PANELIST),
            ("Hendrik de Vries", Role.PANELIST),
            ("Ji-hoon Park", Role.PANELIST),
            ("Pimchanok Srisuk", Role.MODERATOR),
        ],
    )
    add(event, day1, "12:30", "13:30", "Lunch", SessionKind.BREAK)
    add(
        event,
        day1,
        "13:30",
        "15:00",
        "Migration, labour and human security",
        SessionKind.PANEL,
        room=auditorium,
        people=[
            ("Siti Rahman", Role.PANELIST),
            ("Emma Collins", Role.PANELIST),
            ("Aiko Tanaka", Role.PANELIST),
            ("Daniel Reyes", Role.MODERATOR),
        ],
    )
    add(
        event,
        day1,
        "15:30",
        "17:00",
        "Young scholars' paper session",
        SessionKind.PAPER_SESSION,
        room=seminar,
        people=[("Hendrik de Vries", Role.CHAIR), ("Emma Collins", Role.DISCUSSANT)],
    )
    add(
        event,
        day2,
        "09:30",
        "11:00",
        "Roundtable: regional stability and middle powers",
        SessionKind.ROUNDTABLE,
        room=auditorium,
        people=[
            ("Ji-hoon Park", Role.SPEAKER),
            ("Emma Collins", Role.SPEAKER),
            ("Siti Rahman", Role.SPEAKER),
            ("Min-seo Lee", Role.MODERATOR),
        ],
    )
    add(
        event,
        day2,
        "11:30",
        "12:30",
        "Closing session: the project's third year",
        SessionKind.KEYNOTE,
        room=auditorium,
        people=[("Aiko Tanaka", Role.SPEAKER), ("Min-seo Lee", Role.SPEAKER)],
    )
    add(event, day2, "18:00", "20:00", "Reception with APISA congress delegates", SessionKind.RECEPTION)
    return event


def build_congress(dates: DemoDates) -> Event:
    tz = "Asia/Bangkok"
    day1 = dates.symposium_day + timedelta(days=2)
    day2 = day1 + timedelta(days=1)
    event = Event(
        slug=CONGRESS_SLUG,
        title="APISA Congress, Chiang Mai",
        kind=EventKind.CONGRESS,
        summary="The congress of the Asian Political and International Studies Association, co-located with "
        "the AAS symposium on human security.",
        description=(
            "The Asian Political and International Studies Association holds its congress in Chiang Mai right "
            "after the AAS symposium on human security, so participants can attend both.\n\n"
            "_This demonstration programme shows only a part of the congress._"
        ),
        timezone=tz,
        starts_at=at(day1, "09:00", tz),
        ends_at=at(day2, "17:00", tz),
        venue_name="Chiang Mai University Convention Center",
        venue_address="239 Huay Kaew Road, Suthep, Mueang",
        city="Chiang Mai",
        country="Thailand",
        attendance_mode=AttendanceMode.IN_PERSON,
        status=EventStatus.PUBLISHED,
        capacity_in_person=400,
    )
    link_organisations(event, [("Asian Political and International Studies Association", "APISA", None)], [])
    hall = Room(name="Main Hall", position=0)
    event.rooms = [hall]
    add_session(
        event,
        day1,
        "09:00",
        "10:30",
        "Opening plenary: Asia in a fragmenting world order",
        SessionKind.KEYNOTE,
        room=hall,
        people=[("Pimchanok Srisuk", Role.CHAIR)],
    )
    add_session(
        event,
        day1,
        "11:00",
        "12:30",
        "Human security in Asia: findings from the Japan–Korea project",
        SessionKind.PANEL,
        room=hall,
        people=[("Aiko Tanaka", Role.PANELIST), ("Min-seo Lee", Role.PANELIST), ("Daniel Reyes", Role.CHAIR)],
    )
    add_session(
        event,
        day2,
        "15:30",
        "17:00",
        "Closing plenary",
        SessionKind.KEYNOTE,
        room=hall,
        people=[("Emma Collins", Role.SPEAKER)],
    )
    return event
