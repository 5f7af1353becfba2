"""The import window's paging: each id once, summaries first, a page handed out before the next
summary is read; and orderKeys shared within a page or with an earlier page."""

from __future__ import annotations

from collections.abc import Iterator

from inkship.connector.engine.window import WindowSeen, id_pages, shared_keys


def test_ids_come_once_in_pages_summaries_first_then_the_orders_to_send_again():
    seen = WindowSeen()
    summaries = [{"ID": n} for n in (1, 2, 3, 2, 4, 5)]
    pages = list(id_pages(summaries, lambda s: s["ID"] if s["ID"] != 4 else None, [5, 6, 1, 7], 2, seen))
    assert pages == [[1, 2], [3, 5], [6, 7]]
    assert seen.ids == {1, 2, 3, 5, 6, 7}


def test_the_next_summary_is_read_only_after_the_page_before_was_dealt_with():
    read: list[int] = []

    def summaries() -> Iterator[dict[str, int]]:
        for n in range(1, 6):
            read.append(n)
            yield {"ID": n}

    pages = id_pages(summaries(), lambda s: s["ID"], [], 2, WindowSeen())
    assert next(pages) == [1, 2] and read == [1, 2]
    assert next(pages) == [3, 4] and read == [1, 2, 3, 4]


def test_a_key_shared_in_a_page_holds_back_all_and_one_shared_with_an_earlier_page_the_later_one():
    earlier: dict[str, str] = {}
    assert shared_keys([("a", "#1"), ("b", "#2"), ("a", "#3")], earlier) == {"a": ["#1", "#3"]}
    assert shared_keys([("b", "#4"), ("c", "#5")], earlier) == {"b": ["#4", "#2"]}
    assert earlier == {"a": "#1", "b": "#2", "c": "#5"}


def test_without_remember_all_only_shared_keys_are_kept_for_later_pages():
    earlier: dict[str, str] = {}
    first = shared_keys([("a", "#1"), ("a", "#2"), ("b", "#3")], earlier, remember_all=False)
    assert first == {"a": ["#1", "#2"]}
    assert shared_keys([("a", "#4"), ("b", "#5")], earlier, remember_all=False) == {"a": ["#4", "#1"]}
    assert earlier == {"a": "#1"}
