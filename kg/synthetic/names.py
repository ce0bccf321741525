"""Name material: syllables, words and personal names (Latin script and Arabic), operation names,
and the support kinds with their weights and the phrases claims use for them.

Every pool is a fixed list: the generator draws from it with a seeded ``random.Random``, so the
order of the entries is part of the output and must not change.
"""

from __future__ import annotations

__all__ = [
    "FAMILY_AR",
    "FAMILY_OTHER",
    "FINALS",
    "GIVEN_AR",
    "GIVEN_OTHER",
    "GROUP_HEADS",
    "KIND_NAMES",
    "KIND_PHRASES",
    "KIND_WEIGHTS",
    "OPERATIONS",
    "SETTLEMENT_PREFIXES",
    "SUPPORT_KINDS",
    "SYLLABLES",
    "WORDS",
]

#: Syllables of invented place and state names: (transliteration, Arabic).
SYLLABLES = [
    ("ka", "كا"), ("ra", "را"), ("mi", "مي"), ("na", "نا"), ("sa", "سا"), ("ba", "با"), ("ta", "تا"),
    ("da", "دا"), ("ha", "ها"), ("ja", "جا"), ("la", "لا"), ("qa", "قا"), ("za", "زا"), ("fa", "فا"),
    ("wa", "وا"), ("ma", "ما"), ("ri", "ري"), ("si", "سي"), ("di", "دي"), ("ni", "ني"), ("li", "لي"),
    ("ki", "كي"), ("bu", "بو"), ("mu", "مو"), ("nu", "نو"), ("ru", "رو"), ("su", "سو"), ("tu", "تو"),
    ("ko", "كو"), ("do", "دو"), ("lo", "لو"), ("ro", "رو"), ("she", "شي"), ("kha", "خا"), ("ya", "يا"),
    ("ghu", "غو"), ("ti", "تي"), ("fi", "في"), ("zi", "زي"), ("qu", "قو"),
]  # fmt: skip
#: Final consonants of those names.
FINALS = [
    ("n", "ن"), ("r", "ر"), ("l", "ل"), ("m", "م"), ("d", "د"), ("s", "س"), ("t", "ت"), ("k", "ك"),
    ("b", "ب"), ("z", "ز"), ("sh", "ش"), ("f", "ف"),
]  # fmt: skip
#: Words that begin many settlement names.
SETTLEMENT_PREFIXES = [
    ("Kafr", "كفر"), ("Tell", "تل"), ("Ain", "عين"), ("Deir", "دير"), ("Jisr", "جسر"), ("Ras", "رأس"),
    ("Beit", "بيت"), ("Khan", "خان"), ("Maarat", "معرة"), ("Bab", "باب"), ("Qalaat", "قلعة"),
]  # fmt: skip
#: Arabic-style group names: (transliteration, Arabic, English) of a head noun ...
GROUP_HEADS = [
    ("Liwa", "لواء", "Brigade"), ("Jabhat", "جبهة", "Front"), ("Harakat", "حركة", "Movement"),
    ("Jaysh", "جيش", "Army"), ("Kataib", "كتائب", "Battalions"), ("Faylaq", "فيلق", "Legion"),
    ("Saraya", "سرايا", "Companies"), ("Tajammu", "تجمع", "Gathering"), ("Alwiyat", "ألوية", "Brigades"),
]  # fmt: skip
#: ... and of its complement.
WORDS = [
    ("al-Nasr", "النصر", "Victory"), ("al-Fath", "الفتح", "Conquest"), ("al-Tahrir", "التحرير", "Liberation"),
    ("al-Haqq", "الحق", "Truth"), ("al-Izza", "العزة", "Pride"), ("al-Karama", "الكرامة", "Dignity"),
    ("al-Furqan", "الفرقان", "Criterion"), ("al-Ansar", "الأنصار", "Supporters"), ("al-Shuhada", "الشهداء", "Martyrs"),
    ("al-Sumud", "الصمود", "Steadfastness"), ("al-Nour", "النور", "Light"), ("al-Jazira", "الجزيرة", "Peninsula"),
    ("al-Ahrar", "الأحرار", "the Free"), ("al-Salam", "السلام", "Peace"), ("al-Wahda", "الوحدة", "Unity"),
    ("al-Asala", "الأصالة", "Authenticity"), ("al-Tawhid", "التوحيد", "Oneness"), ("al-Fajr", "الفجر", "Dawn"),
    ("al-Ghadab", "الغضب", "Wrath"), ("al-Qasas", "القصاص", "Retribution"), ("al-Amal", "الأمل", "Hope"),
    ("al-Thawra", "الثورة", "Revolution"), ("al-Huriya", "الحرية", "Freedom"), ("al-Difa", "الدفاع", "Defence"),
    ("al-Iman", "الإيمان", "Faith"), ("al-Jihad", "الجهاد", "Struggle"), ("al-Mujahidin", "المجاهدين", "Fighters"),
    ("al-Sham", "الشام", "the Levant"), ("al-Sharq", "الشرق", "the East"), ("al-Shamal", "الشمال", "the North"),
]  # fmt: skip
#: Arabic given and family names: (transliteration, Arabic).
GIVEN_AR = [
    ("Ahmed", "أحمد"), ("Omar", "عمر"), ("Khaled", "خالد"), ("Youssef", "يوسف"), ("Mahmoud", "محمود"),
    ("Hassan", "حسن"), ("Ali", "علي"), ("Ibrahim", "إبراهيم"), ("Mustafa", "مصطفى"), ("Samir", "سمير"),
    ("Karim", "كريم"), ("Tariq", "طارق"), ("Walid", "وليد"), ("Nabil", "نبيل"), ("Faris", "فارس"),
    ("Hamza", "حمزة"), ("Rami", "رامي"), ("Ziad", "زياد"), ("Bilal", "بلال"), ("Jamal", "جمال"),
    ("Layla", "ليلى"), ("Rania", "رانيا"), ("Huda", "هدى"), ("Amal", "أمل"), ("Salma", "سلمى"),
    ("Muhammad", "محمد"), ("Abdullah", "عبد الله"), ("Yasser", "ياسر"), ("Adnan", "عدنان"), ("Munir", "منير"),
]  # fmt: skip
FAMILY_AR = [
    ("al-Hassan", "الحسن"), ("Haddad", "حداد"), ("Khalil", "خليل"), ("Nasser", "ناصر"), ("al-Tamimi", "التميمي"),
    ("Darwish", "درويش"), ("Saleh", "صالح"), ("Mansour", "منصور"), ("al-Masri", "المصري"), ("Qasim", "قاسم"),
    ("al-Khatib", "الخطيب"), ("al-Omari", "العمري"), ("Hamdan", "حمدان"), ("al-Jabouri", "الجبوري"),
    ("Shaaban", "شعبان"), ("al-Zoubi", "الزعبي"), ("Barakat", "بركات"), ("al-Halabi", "الحلبي"),
    ("Suleiman", "سليمان"), ("al-Rifai", "الرفاعي"), ("Othman", "عثمان"), ("al-Ahmad", "الأحمد"),
]  # fmt: skip
#: Latin-script name styles for persons of states that are not Arabic-speaking.
GIVEN_OTHER = [
    ["Mehmet", "Ayse", "Kemal", "Emre", "Elif", "Murat", "Zeynep", "Hakan", "Selin", "Burak"],
    ["Viktor", "Elena", "Dmitri", "Irina", "Pavel", "Olga", "Sergei", "Anna", "Nikolai", "Yulia"],
    ["Reza", "Farhad", "Maryam", "Hossein", "Parisa", "Dariush", "Shirin", "Kaveh", "Leila", "Babak"],
    ["Daniel", "Sarah", "Pierre", "Claire", "James", "Laura", "Thomas", "Marie", "David", "Helen"],
]
FAMILY_OTHER = [
    ["Yilmaz", "Demir", "Kaya", "Celik", "Sahin", "Aydin", "Ozturk", "Arslan", "Dogan", "Kilic"],
    ["Petrov", "Volkov", "Sokolov", "Morozov", "Lebedev", "Kozlov", "Novikov", "Orlov", "Belov", "Zaitsev"],
    ["Karimi", "Rahimi", "Hosseini", "Moradi", "Rezaei", "Jafari", "Ahmadi", "Sadeghi", "Tehrani", "Amini"],
    ["Laurent", "Bennett", "Hughes", "Moreau", "Fischer", "Keller", "Walsh", "Martin", "Dubois", "Clarke"],
]
#: Names of military operations: (English, Arabic).
OPERATIONS = [
    ("Olive Dawn", "فجر الزيتون"), ("Northern Storm", "عاصفة الشمال"), ("Victory Gate", "بوابة النصر"),
    ("Iron Resolve", "العزم الحديدي"), ("Desert Shield", "درع الصحراء"), ("Spring of Dignity", "ربيع الكرامة"),
    ("Steadfast Wall", "الجدار الصامد"), ("Eastern Thunder", "رعد الشرق"), ("Free Horizon", "الأفق الحر"),
    ("Sword of Justice", "سيف العدالة"), ("River Dawn", "فجر النهر"), ("Mountain Wrath", "غضب الجبل"),
]  # fmt: skip
#: UCDP support kinds (local names in the ontology) and how often each is drawn.
SUPPORT_KINDS = [
    ("WeaponsSupport", 18), ("FundingSupport", 14), ("TrainingSupport", 12), ("TroopsSupport", 8),
    ("AirSupport", 6), ("MaterielSupport", 10), ("IntelligenceSupport", 6), ("TerritoryAccessSupport", 5),
    ("InfrastructureAccessSupport", 3), ("OtherSupport", 3), ("UnknownSupport", 15),
]  # fmt: skip
KIND_NAMES = [k for k, _ in SUPPORT_KINDS]
KIND_WEIGHTS = [w for _, w in SUPPORT_KINDS]
#: How a claim words each kind of support.
KIND_PHRASES = {
    "WeaponsSupport": "weapons",
    "FundingSupport": "money",
    "TrainingSupport": "trainers",
    "TroopsSupport": "troops",
    "AirSupport": "air cover",
    "MaterielSupport": "supplies",
    "IntelligenceSupport": "intelligence",
    "TerritoryAccessSupport": "safe passage",
    "InfrastructureAccessSupport": "use of its ports",
    "OtherSupport": "help",
    "UnknownSupport": "support",
}
