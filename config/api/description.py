"""The introduction of the API's OpenAPI description (SPECTACULAR_SETTINGS["DESCRIPTION"]):
what the API serves, who may write, and every error status a client may meet. Lazy, so
that the schema and the Swagger UI page speak the request's language. Imported by the
settings: imports nothing but Django's translation."""

from django.utils.translation import gettext_lazy as _

API_DESCRIPTION = _(
    "La géographie de référence (régions, départements, communes, EPCI, EPT) et le "
    "registre des coopérations entre les métropoles et les territoires environnants, avec "
    "leurs thèmes et leurs formes. La lecture est publique (fiches publiées seulement ; "
    "les clients anonymes sont limités en débit). L’écriture des coopérations, des "
    "partenaires et des sources est réservée à l’équipe, authentifiée par un jeton dans "
    "l’en-tête `Authorization: Token <clé>` (l’équipe délivre les jetons dans "
    "l’administration). `GET /api/v1/cooperations/?format=csv` donne l’export CSV de la "
    "sélection filtrée. Les erreurs sont toujours en JSON : 400 avec une clé par champ ou "
    "paramètre invalide (un texte contenant un caractère NUL ou un demi-codet isolé est "
    'refusé sur son champ), ou `{"detail"}` pour un corps illisible (JSON imbriqué sur plus '
    "de 32 niveaux compris) ; 401 sans identifiants valides ; 403 pour une écriture hors "
    "équipe ; 404 pour une fiche inconnue ou non publiée et une adresse qui ne correspond à "
    "aucune route ; 413 pour un corps au-delà de DATA_UPLOAD_MAX_MEMORY_SIZE (2,5 Mio) ; "
    "414 pour une URL au-delà de MAX_URL_LENGTH (4 000 caractères) ; 415 pour un corps qui "
    "n’est pas du JSON ; 429 en cas de dépassement du débit (les téléchargements du portail "
    "partagent le quota anonyme) ; 500 pour une erreur du serveur. Les noms de champs sont "
    "stables dans /api/v1/. Les campagnes et les réponses du recensement "
    "(`/api/v1/campaigns/`, `/api/v1/responses/`) demandent un compte : les référents "
    "voient et modifient les réponses de leurs territoires, les relecteurs toutes ; un "
    "enregistrement (`PATCH` avec la version dont il est parti) répond 409 si quelqu’un a "
    "enregistré entre-temps. Les listes envoient des en-têtes `Link` (RFC 8288 : first, "
    "prev, next, last) en plus des `next`/`previous` du corps ; les lectures envoient "
    "`ETag` et `Last-Modified` et répondent 304 à `If-None-Match` / `If-Modified-Since` "
    "tant que rien n’a changé."
)
