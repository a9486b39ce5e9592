"""The network of territories that cooperate (`/reseau/`, `/api/v1/network/`): built with
networkx from the same selection as /cooperations/."""
