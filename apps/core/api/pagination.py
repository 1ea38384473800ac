from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`{count, next, previous, results}`; `page_size` may be raised up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100
