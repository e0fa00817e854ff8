from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Review editions, their entries per mechanism, and the citations into them."""

    name = "apps.reviews"
    label = "reviews"
    verbose_name = "Reviews and sources"
