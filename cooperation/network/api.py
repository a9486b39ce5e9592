"""/api/v1/network/: the network of the selection, as JSON — the same FilterSet, the same
visibility rule and the same document as the page's JSON export."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from config.api.schema import THROTTLED, field_errors_serializer

from ..filters import CooperationFilterSet
from ..models import Cooperation
from ..reciprocity import Reciprocity
from .caching import network_document


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifiant du nœud : « type:code »."))
    kind = serializers.CharField(help_text=_("Type de territoire (epci, region, grouping…)."))
    code = serializers.CharField(help_text=_("Code INSEE ou SIREN, ou code du regroupement."))
    name = serializers.CharField()
    category = serializers.CharField(help_text=_("Catégorie (CC, CA, METRO, PETR…), ou vide."))
    is_metropolis = serializers.BooleanField()
    cooperations = serializers.IntegerField(
        help_text=_("Coopérations de la sélection auxquelles il participe.")
    )
    degree = serializers.IntegerField(help_text=_("Nombre de territoires partenaires."))
    weighted_degree = serializers.IntegerField(
        help_text=_("Somme des coopérations partagées avec ses partenaires.")
    )
    betweenness = serializers.FloatField(
        help_text=_("Intermédiarité normalisée (0 à 1) : le rôle de pont.")
    )
    component = serializers.IntegerField(
        help_text=_("Numéro de la composante connexe (1 : la plus grande).")
    )
    metropolises = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Les autres métropoles avec lesquelles il partage une coopération."),
    )
    is_bridge = serializers.BooleanField(help_text=_("Coopère avec plusieurs métropoles."))


class NetworkReciprocitySerializer(serializers.Serializer):
    both = serializers.IntegerField(help_text=_("Déclarées par les deux territoires."))
    one_side = serializers.IntegerField(help_text=_("Déclarées par un seul des deux."))
    registry_only = serializers.IntegerField(help_text=_("Connues du registre seulement."))


class NetworkEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.IntegerField(help_text=_("Nombre de coopérations partagées."))
    cooperations = serializers.ListField(
        child=serializers.CharField(), help_text=_("Identifiants (slugs) des coopérations.")
    )
    reciprocity = serializers.ChoiceField(
        choices=Reciprocity.choices,
        help_text=_(
            "La plus forte réciprocité de ses coopérations : déclarée par les deux "
            "territoires dans le recensement, par un seul, ou connue du registre seulement."
        ),
    )
    reciprocity_counts = NetworkReciprocitySerializer(
        help_text=_("Ses coopérations comptées par réciprocité.")
    )


class NetworkComponentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    metropolises = serializers.ListField(child=serializers.CharField())


class NetworkSerializer(serializers.Serializer):
    cooperation_count = serializers.IntegerField(help_text=_("Coopérations de la sélection."))
    betweenness_is_exact = serializers.BooleanField(
        help_text=_("Faux sur un grand réseau : l’intermédiarité est alors estimée.")
    )
    nodes = NetworkNodeSerializer(many=True)
    edges = NetworkEdgeSerializer(many=True)
    components = NetworkComponentSerializer(many=True)


NETWORK_FILTER_ERRORS = field_errors_serializer(
    "NetworkFilterErrors", list(CooperationFilterSet.base_filters)
)


class NetworkView(generics.GenericAPIView):
    """The network of the territories of the records matching the filters."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = CooperationFilterSet
    pagination_class = None
    serializer_class = NetworkSerializer

    def get_queryset(self):
        return Cooperation.objects.visible_to(self.request.user)

    @extend_schema(
        operation_id="network_retrieve",
        summary=_("Réseau des territoires de la sélection"),
        description=_(
            "Les territoires (nœuds, avec leurs mesures), les liens entre deux territoires "
            "qui partagent au moins une coopération (poids et identifiants des coopérations) "
            "et les composantes connexes, pour les coopérations qui répondent aux filtres — "
            "les mêmes que /api/v1/cooperations/. Tout le réseau en une réponse, sans "
            "pagination."
        ),
        filters=True,
        responses={
            200: NetworkSerializer,
            400: OpenApiResponse(NETWORK_FILTER_ERRORS, description=_("Filtre invalide.")),
            429: THROTTLED,
        },
        tags=["network"],
    )
    def get(self, request, *args, **kwargs):
        # The document already has the serializer's shape (it documents it); running
        # thousands of nodes and edges through DRF fields would only cost time.
        return Response(network_document(self.filter_queryset(self.get_queryset()), request))
