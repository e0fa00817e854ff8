"""Ordering for the public API that refuses unknown fields instead of ignoring them."""

from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            requested = [term.strip() for term in params.split(",") if term.strip()]
            allowed = self.get_valid_fields(queryset, view, {"request": request})
            names = {name for name, _label in allowed}
            unknown = [term for term in requested if term.lstrip("-") not in names]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(repr(u[:50]) for u in unknown)}. "
                            f"Choose from: {', '.join(sorted(names))} (prefix '-' to reverse)."
                        ]
                    }
                )
        elif "search_rank" in queryset.query.annotations:
            # A free-text search ranks its hits: the best first, unless an order is asked for.
            return ["-search_rank", *(self.get_default_ordering(view) or [])]
        return super().get_ordering(request, queryset, view)
