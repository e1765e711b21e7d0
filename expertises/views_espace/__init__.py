"""The signed-in side of the catalogue: needs and offers of the projects one leads
(``projects``), open needs and the board (``needs``), and the workshop proposals' forms
(``proposals``).

Every view that changes a row finds it in a permission-scoped queryset
(``expertises.permissions``): what a person may not change is a 404, for a GET and a forged POST
alike. The views read input and call one service each, through the ground's scaffold
(``portal.editing``).
"""

from expertises.views_espace.needs import NeedBoardView as NeedBoardView
from expertises.views_espace.needs import NeedDetailView as NeedDetailView
from expertises.views_espace.needs import NeedListView as NeedListView
from expertises.views_espace.needs import NeedMarkAnsweredView as NeedMarkAnsweredView
from expertises.views_espace.projects import NeedCreateView as NeedCreateView
from expertises.views_espace.projects import NeedDeleteView as NeedDeleteView
from expertises.views_espace.projects import NeedUpdateView as NeedUpdateView
from expertises.views_espace.projects import OfferCreateView as OfferCreateView
from expertises.views_espace.projects import OfferDeleteView as OfferDeleteView
from expertises.views_espace.projects import OfferUpdateView as OfferUpdateView
from expertises.views_espace.projects import ProjectExpertiseView as ProjectExpertiseView
from expertises.views_espace.proposals import ProposalCreateView as ProposalCreateView
from expertises.views_espace.proposals import ProposalDeclineView as ProposalDeclineView
from expertises.views_espace.proposals import ProposalScheduleView as ProposalScheduleView
from expertises.views_espace.proposals import ProposalSupportView as ProposalSupportView
