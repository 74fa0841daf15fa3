package hosteddomain_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/hosteddomain"
)

func ExampleHostedDomain_SignInUrl() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	client := pool.AddClient(jsii.String("Web"), nil)
	d := hosteddomain.NewHostedDomain(stack, jsii.String("Login"), &hosteddomain.HostedDomainProps{
		UserPool: pool, DomainPrefix: jsii.String("shop-login"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("SignInUrl"), &awscdk.CfnOutputProps{
		Value: d.SignInUrl(client, jsii.String("https://shop.example.com/auth/callback")),
	})
}
