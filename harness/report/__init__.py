"""Reports from one result model: JSON, JUnit XML, HTML, console."""
