"""The configured region (district and municipalities) as a table every layer joins against."""

import pandas as pd
from dagster import asset

from assets.resources import Settings, group_of


@asset(group_name=group_of("municipalities"), description="The district key and its municipalities, with names and areas, from the "
       "district configuration.")
def municipalities(settings: Settings) -> pd.DataFrame:
    return settings.config().municipalities()
