"""The bench process's URLconf: the application's URLs plus the floor views of
`tests.bench.floors`. Never the application's own URLconf."""

from django.urls import include, path

from tests.bench import floors

urlpatterns = [
    path("bench/vloer/wachtrij/", floors.queue_floor),
    path("bench/vloer/signaal/<int:pk>/", floors.signal_floor),
    path("", include("pga.urls")),
]
