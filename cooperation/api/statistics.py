"""/api/v1/statistics/: the tables of /statistiques/ as JSON, with the same filters (those
of /api/v1/cooperations/) and the same cache. Every number comes with the address of the
/cooperations/ list it counts."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config.api.schema import THROTTLED, field_errors_serializer, invalid_parameters

from ..filters import CooperationFilterSet
from ..models import Cooperation
from ..reciprocity import Reciprocity
from ..statistics.cache import cached_statistics
from ..statistics.published import published_figures


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Nombre de coopérations."))
    list_url = serializers.CharField(
        help_text=_("Adresse de la page /cooperations/ qui liste exactement ces coopérations.")
    )


class StatisticsRowSerializer(CountSerializer):
    key = serializers.CharField(help_text=_("Valeur du critère (code, année…)."))
    label = serializers.CharField(help_text=_("Libellé, dans la langue de la requête."))
    share = serializers.IntegerField(
        required=False, help_text=_("Part du total, en pour cent (tableau « content »).")
    )


class StatisticsTableSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Identifiant stable du tableau."))
    title = serializers.CharField()
    counted = serializers.CharField(help_text=_("Ce que compte chaque nombre."))
    rows = StatisticsRowSerializer(many=True)


class CrossColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class CrossCellSerializer(CountSerializer):
    key = serializers.CharField(help_text=_("Clé de la colonne."))


class CrossRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = CrossCellSerializer(many=True)


class CrossTableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    counted = serializers.CharField()
    columns = CrossColumnSerializer(many=True)
    rows = CrossRowSerializer(many=True)


class CompletenessRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("SIREN de la métropole de référence."))
    label = serializers.CharField()
    records = serializers.IntegerField(help_text=_("Nombre de fiches."))
    score = serializers.IntegerField(help_text=_("Complétude moyenne des fiches, sur 100."))


class ReciprocityRowSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=Reciprocity.choices)
    label = serializers.CharField()
    count = serializers.IntegerField(help_text=_("Nombre de partenariats (pas de coopérations)."))


class PublishedSourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.CharField()
    url = serializers.URLField()


class PublishedFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(help_text=_("Le chiffre tel que publié."))
    registry_count = serializers.IntegerField(
        allow_null=True, help_text=_("Le chiffre comparable du registre, s’il y en a un.")
    )
    registry_url = serializers.CharField(allow_null=True)
    sources = PublishedSourceSerializer(many=True)


class DeclaredDifficultySerializer(serializers.Serializer):
    title = serializers.CharField(help_text=_("Titre de la fiche."))
    url = serializers.CharField(help_text=_("Adresse de la fiche."))
    text = serializers.CharField(
        help_text=_("Les difficultés déclarées, raccourcies au-delà de 300 caractères.")
    )
    shortened = serializers.BooleanField(help_text=_("Le texte a été raccourci."))


class DeclaredDifficultiesSerializer(serializers.Serializer):
    list_url = serializers.CharField(
        help_text=_("Adresse de la liste de toutes les fiches de la sélection qui en déclarent.")
    )
    records = DeclaredDifficultySerializer(
        many=True, help_text=_("Au plus 20 fiches, les plus récemment mises à jour d’abord.")
    )


@extend_schema_serializer(many=False)
class StatisticsSerializer(serializers.Serializer):
    filters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Les filtres appliqués, tels que reçus."),
    )
    total = CountSerializer()
    tables = StatisticsTableSerializer(many=True)
    cross_tables = CrossTableSerializer(many=True)
    completeness = CompletenessRowSerializer(many=True)
    reciprocity = ReciprocityRowSerializer(
        many=True,
        help_text=_(
            "Partenariats (hors la métropole de référence elle-même) déclarés des deux côtés, "
            "d’un seul côté, ou connus du registre seulement."
        ),
    )
    published = PublishedFigureSerializer(many=True)
    declared_difficulties = DeclaredDifficultiesSerializer(
        help_text=_("Les difficultés déclarées par les fiches de la sélection (texte libre).")
    )


STATISTICS_FILTER_ERRORS = field_errors_serializer(
    "StatisticsFilterErrors", list(CooperationFilterSet.base_filters)
)


class StatisticsViewSet(viewsets.GenericViewSet):
    """The registry's figures (read-only; published records, all of them for staff)."""

    queryset = Cooperation.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = CooperationFilterSet
    pagination_class = None
    serializer_class = StatisticsSerializer

    @extend_schema(
        summary=_("Statistiques du registre"),
        description=_(
            "Les tableaux de la page /statistiques/ : coopérations par métropole, thème, forme, "
            "type et catégorie de partenaire, relation et distance à la métropole, année de "
            "début, statut, ingénierie, financement et difficultés, type des difficultés "
            "déclarées (par mots-clés), nombre de partenaires ; "
            "tableaux croisés thème × relation et forme × métropole ; complétude par métropole ; "  # noqa: RUF001
            "chiffres publiés ; les dernières difficultés déclarées. "
            "Mêmes filtres que /api/v1/cooperations/ (ils se combinent). "
            "Un tableau sur un critère ignore le filtre de ce même critère, comme les facettes "
            "de la liste ; chaque nombre donne l’adresse de la liste qu’il compte."
        ),
        responses={
            200: StatisticsSerializer,
            400: invalid_parameters(STATISTICS_FILTER_ERRORS),
            429: THROTTLED,
        },
    )
    def list(self, request, *args, **kwargs):
        filterset = CooperationFilterSet(
            request.query_params,
            queryset=Cooperation.objects.visible_to(request.user),
            request=request,
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        statistics = cached_statistics(filterset, request.user)
        return Response({**statistics, "published": published_figures(statistics)})
