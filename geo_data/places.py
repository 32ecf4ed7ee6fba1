"""The properties of each bundled GeoNames place: names in each language, oblast, population."""

from __future__ import annotations

from geo_data import place_names, russian_names

NAME_RULE = place_names.RULE + russian_names.RULE


def local_names(name: str, alternates: list[str], country: str) -> tuple[str, str]:
    """(Ukrainian, Russian) name of a place, each '' when the rules are unsure."""
    ukrainian = place_names.ukrainian_name(name, alternates)
    reference = ukrainian or russian_names.closest_ukrainian(name, alternates)
    if country == "UA" and reference:
        return ukrainian, russian_names.russian_name_in_ukraine(name, reference, alternates)
    return ukrainian, place_names.russian_name(name, alternates)


# GeoNames admin1 code -> readable English name, for places outside the oblast layer.
# Codes and GeoNames' own names from GeoNames' admin1CodesASCII.txt (a copy in
# github.com/GetTogetherComm/GetTogether, commit b206a465ed0578877b43cbabc7ec080ebd98d465,
# file admin1CodesASCII.txt); the readable form adds "Oblast" and today's spelling where
# GeoNames has a short or transliterated form (its name in the comment).
ADMIN1_SOURCE = (
    "GeoNames admin1CodesASCII.txt (codes and names), as copied in "
    "https://github.com/GetTogetherComm/GetTogether/blob/"
    "b206a465ed0578877b43cbabc7ec080ebd98d465/admin1CodesASCII.txt"
)
ADMIN1_NAMES = {
    ("UA", "01"): "Cherkasy Oblast",  # Cherkasy
    ("UA", "02"): "Chernihiv Oblast",  # Chernihiv
    ("UA", "04"): "Dnipropetrovsk Oblast",  # Dnipropetrovsk
    ("UA", "05"): "Donetsk Oblast",  # Donetsk
    ("UA", "07"): "Kharkiv Oblast",  # Kharkiv
    ("UA", "08"): "Kherson Oblast",  # Kherson
    ("UA", "10"): "Kirovohrad Oblast",  # Kirovohrad
    ("UA", "11"): "Crimea",  # Crimea
    ("UA", "12"): "Kyiv City",  # Kyiv City
    ("UA", "13"): "Kyiv Oblast",  # Kyiv
    ("UA", "14"): "Luhansk Oblast",  # Luhansk
    ("UA", "16"): "Mykolaiv Oblast",  # Mykolaiv
    ("UA", "17"): "Odesa Oblast",  # Odesa
    ("UA", "18"): "Poltava Oblast",  # Poltava
    ("UA", "21"): "Sumy Oblast",  # Sumy
    ("UA", "26"): "Zaporizhzhia Oblast",  # Zaporizhia
    ("RU", "09"): "Belgorod Oblast",  # Belgorod Oblast
    ("RU", "10"): "Bryansk Oblast",  # Bryansk Oblast
    ("RU", "24"): "Kalmykia",  # Kalmykiya Republic
    ("RU", "25"): "Kaluga Oblast",  # Kaluga
    ("RU", "38"): "Krasnodar Krai",  # Krasnodarskiy
    ("RU", "41"): "Kursk Oblast",  # Kursk
    ("RU", "43"): "Lipetsk Oblast",  # Lipetsk Oblast
    ("RU", "46"): "Mordovia",  # Mordoviya Republic
    ("RU", "47"): "Moscow Oblast",  # Moscow Oblast
    ("RU", "51"): "Nizhny Novgorod Oblast",  # Nizhny Novgorod Oblast
    ("RU", "56"): "Oryol Oblast",  # Orel Oblast
    ("RU", "57"): "Penza Oblast",  # Penza
    ("RU", "61"): "Rostov Oblast",  # Rostov
    ("RU", "62"): "Ryazan Oblast",  # Ryazan Oblast
    ("RU", "67"): "Saratov Oblast",  # Saratovskaya Oblast
    ("RU", "69"): "Smolensk Oblast",  # Smolensk
    ("RU", "72"): "Tambov Oblast",  # Tambov
    ("RU", "76"): "Tula Oblast",  # Tula
    ("RU", "84"): "Volgograd Oblast",  # Volgograd Oblast
    ("RU", "86"): "Voronezh Oblast",  # Voronezj
}

# Records left out, with the evidence. GeoNames has two "Rossosh’" in Voronezh Oblast
# with town-sized populations. 501231 (50.19645 N, 39.56631 E, 62,000) sits where
# encyclopaedias put the town: 50.1964 N 39.5801 E in
# https://fi.wikipedia.org/wiki/Rossosh (population 62,865 in 2010), on the Chornaya
# Kalitva 210 km south of Voronezh in the Great Soviet Encyclopedia
# (https://encyclopedia2.thefreedictionary.com/Rossoshi). 501215 (51.1209 N, 38.5116 E,
# 64,323) lists "Pervaya Rossosh'" / "Rossosh' Pervaya" (First Rossosh, a village name)
# among its names, which the town's record does not carry, and lies 77 km from Voronezh:
# another place under the town's name with a town's population (a 2007 German Wikipedia
# copy, http://wikipedia2007.classicistranieri.com/de/r/o/s/Rossosch.html, gives the town
# those wrong coordinates, 51° 07' N 38° 30' E, so the error has circulated). Kept, it
# would be a second "Rossosh’" 125 km from the real one; its true population is not in
# the extract.
EXCLUDED_PLACES = {
    501215: (
        "Misplaced homonym of Rossosh’ (501231): its own alternate names call it Pervaya "
        "Rossosh’ ('First Rossosh', 51.12 N 38.51 E, 77 km from Voronezh), yet it carries "
        "the town's name and a town-sized population (64,323). The town is at 50.20 N 39.58 E, "
        "where 501231 is (https://fi.wikipedia.org/wiki/Rossosh: 50.1964 N 39.5801 E; "
        "the Great Soviet Encyclopedia, "
        "https://encyclopedia2.thefreedictionary.com/Rossoshi: 210 km south of Voronezh)."
    ),
}


def place_properties(record: dict) -> dict:
    """The places.geojson properties of one GeoNames record."""
    alternates = list(dict.fromkeys(record["alternatenames"]))
    name_uk, name_ru = local_names(record["name"], alternates, record["countrycode"])
    return {
        "geonameid": record["geonameid"],
        "name": record["name"],
        "country": record["countrycode"],
        "population": record["population"],
        "admin1": record["admin1code"],
        "admin1_name": ADMIN1_NAMES.get((record["countrycode"], record["admin1code"]), ""),
        "name_uk": name_uk,
        "name_ru": name_ru,
        "alternatenames": alternates,
    }
