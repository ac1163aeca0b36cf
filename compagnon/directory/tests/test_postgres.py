"""PostgreSQL only: the full-text search with the French and Dutch configurations (stems, accents
ignored through unaccent), trigram similarity for names, the vectors kept by the service and their
GIN indexes. SQLite runs the simpler search of ``search.py`` instead."""

import pytest
from django.db import connection

from .. import services
from ..models import DirectoryProfile, Visibility
from .helpers import auth, person, world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search and trigrams are PostgreSQL's"),
]
SEARCH = "/api/v1/directory/members/"


def found(client, user, q) -> list[int]:
    return [r["id"] for r in client.get(SEARCH, {"q": q}, **auth(user)).json()["results"]]


def test_the_extensions_vectors_and_indexes_are_there():
    w = world()
    services.update_profile(actor=w.target.user, member=w.target, bio_visibility=Visibility.ENTITY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm') ORDER BY 1")
        assert [r[0] for r in cursor.fetchall()] == ["pg_trgm", "unaccent"]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('directory_directoryprofile', 'directory_searchtext')")
        names = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT t.fts_entity::text FROM directory_searchtext t JOIN directory_directoryprofile p ON p.id = t.profile_id "
            "WHERE p.member_id = %s", [w.target.pk],)
        vector = cursor.fetchone()[0]
    assert {"directory_fts_office", "directory_fts_entity", "directory_fts_staff", "directory_name_trgm"} <= names
    assert "'ecolog'" in vector and "'biomark'" in vector  # "écologiques", French stem, no accent


def test_french_and_dutch_stems_match_other_forms_of_a_word(client):
    w = world()
    fr = person(w.office, "Inès", "Blanc", bio="Passionnée d'écologie urbaine")
    nl = person(w.office, "Joris", "Peeters", bio="Ik plaats een schutting")
    for m in (fr, nl):
        services.update_profile(actor=m.user, member=m, bio_visibility=Visibility.ENTITY)
    me = w.far_colleague.user
    assert found(client, me, "écologiques") == [fr.pk]  # écologie and écologiques share their stem
    assert found(client, me, "schuttingen") == [nl.pk]  # the Dutch plural finds the singular
    assert found(client, me, "urbaines") == [fr.pk]


def test_a_name_misspelled_is_still_found_by_trigram_similarity(client):
    w = world()
    me = w.far_colleague.user
    assert found(client, me, "Moreaux") == [w.target.pk]
    assert found(client, me, "Camile") == [w.target.pk]
    assert found(client, me, "Zyxwvu") == []


def test_hidden_words_stay_out_of_the_vectors_the_searcher_uses(client):
    w = world()
    services.update_profile(actor=w.target.user, member=w.target, bio_visibility=Visibility.OFFICE)
    p = DirectoryProfile.objects.get(member=w.target)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fts_office @@ to_tsquery('french', 'biomark:*'), fts_entity @@ to_tsquery('french', 'biomark:*') "
            "FROM directory_searchtext WHERE profile_id = %s", [p.pk],
        )
        assert cursor.fetchone() == (True, False)
    assert found(client, w.colleague.user, "biomark") == [w.target.pk]
    assert found(client, w.far_colleague.user, "biomark") == []


def test_a_keyword_finds_the_same_members_through_the_indexes_or_by_walking(client, monkeypatch):
    """The look-up through the indexes is a shortcut: a word PostgreSQL expects to be common, or one
    with more candidates than the look-up keeps, is checked on every row instead, same members."""
    w = world()
    gardeners = [person(w.office, f"Jardinier{i}", "Martin", bio="Potager en permaculture") for i in range(4)]
    for m in gardeners:
        services.update_profile(actor=m.user, member=m, bio_visibility=Visibility.ENTITY)
    me = w.far_colleague.user
    expected = sorted(m.pk for m in gardeners)
    assert sorted(found(client, me, "permaculture")) == expected
    monkeypatch.setattr("compagnon.directory.search.CANDIDATES", 2)
    assert sorted(found(client, me, "permaculture")) == expected
    monkeypatch.setattr("compagnon.directory.search.CANDIDATES", 1000)
    monkeypatch.setattr("compagnon.directory.search.COMMON_ESTIMATE", -1)
    assert sorted(found(client, me, "permaculture")) == expected
    # and the planner's setting changed for the look-up does not outlive it
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
