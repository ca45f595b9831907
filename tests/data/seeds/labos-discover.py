from json import dumps
from requests import get
def discover(url: str, token: str) -> None:
path = f'{url}/discover'
headers = {'Authorization': f'Bearer {token}',
'Content-type': 'application/json'}
resp = get(path, headers=headers).json()
print(dumps(resp, indent=4, sort_keys=True))
