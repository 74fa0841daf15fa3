package config_test

import (
	"fmt"

	"github.com/authstack/authstack/config"
)

func ExampleParse() {
	envs, err := config.Parse([]byte(`
defaults:
  tags: {team: identity}
environments:
  prod:
    appName: shop
    parentHostedZoneName: example.com
    authDomainName: auth.example.com
    apiDomainName: api.example.com
    appClients:
      - name: web
        callbackUrls: ["https://example.com/auth/callback"]
    groups: [{name: admins}]
    api: {adminGroup: admins}
`), "envs.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := envs[0]
	fmt.Println(c.StackName(), c.Tokens.AccessTokenValidityMinutes, c.UserPool.FeaturePlan, c.Tags["team"])
	// Output: shop-prod 15 ESSENTIALS identity
}

func ExampleConfig_Validate() {
	c := config.Reference()[0]
	c.Tokens.AccessTokenValidityMinutes = 2
	fmt.Println(c.Validate())
	// Output: tokens.accessTokenValidityMinutes: 2 minutes is outside Cognito's range of 5 minutes to 1 day (1440 minutes)
}
