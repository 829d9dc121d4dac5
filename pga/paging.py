"""Pagination that counts and fetches a page in one query.

Django's `Paginator` first counts the rows (one pass over everything the user may see) and
then fetches the page (a second pass up to the page's offset). Over tens of thousands of
visible signals, each pass costs as much as the other; `OnePassPaginator` reads the total
with the ids of the page's rows (`COUNT(*) OVER ()`), then reads those rows, and counts
separately only when the page asked for lies past the end."""

from django.core.paginator import Paginator
from django.db.models import Count, Window

# The largest row offset PostgreSQL takes (a bigint). A page number past it (a forged
# `?pagina=99999999999999999999`) is past the end of any list: Django's way answers it
# with the last page.
MAX_OFFSET = 2**63 - 1


class OnePassPaginator(Paginator):
    """`fetch(ids)`, if given, reads the rows of a page by their ids (already filtered by
    `object_list`, so authorised) with what the page shows: joins then cover the page's
    rows only, not every row counted."""

    def __init__(self, object_list, per_page, fetch=None):
        super().__init__(object_list, per_page)
        self.fetch = fetch or (lambda ids: object_list.filter(pk__in=ids))

    def get_page(self, number):
        try:
            number = max(1, int(number or 1))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > MAX_OFFSET:
            return super().get_page(number)
        found = list(
            self.object_list.annotate(paginator_total=Window(Count("pk")))
            .values_list("pk", "paginator_total")[bottom:bottom + self.per_page]
        )
        if not found:  # past the end, or nothing at all: Django's way, with its count
            return super().get_page(number)
        self.__dict__["count"] = found[0][1]  # Paginator.count is a cached property
        rows = {row.pk: row for row in self.fetch([pk for pk, _total in found])}
        return self._get_page([rows[pk] for pk, _total in found if pk in rows], number, self)
