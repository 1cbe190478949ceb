from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Pages in id order: stable while rows are added, and each page is one indexed range scan.

    ``page_size`` from 1 to 200 (50 by default); follow ``next`` until it is null.
    """

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 200
