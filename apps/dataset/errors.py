"""The one error the dataset's readers raise: what cannot be imported, every problem listed."""


class DatasetError(Exception):
    """The dataset cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))
