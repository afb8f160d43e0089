"""Spring Authorization Server, built with Maven from sources kept here (app/) and run as a reference server."""
